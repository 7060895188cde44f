// Rows pass through the application's Kysely plugins, so booleans and instants look the same on
// both engines (src/db/codecs.ts). Those plugins hand rows back with camelCase keys; this gives the
// key a database column arrives under, using the plugin's own conversion so the two never disagree.
import { CamelCasePlugin } from 'kysely';

class ColumnKeys extends CamelCasePlugin {
  keyOf(column: string): string {
    return this.camelCase(column);
  }
}

const keys = new ColumnKeys();

export function columnKey(column: string): string {
  return keys.keyOf(column);
}
