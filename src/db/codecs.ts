// SQLite has no boolean or timestamp types: better-sqlite3 refuses to bind a boolean or a Date and
// returns 0/1 and text. This plugin makes SQLite look like PostgreSQL to the rest of the code:
// booleans and Dates go in, booleans and Dates come out, so no query or service branches on dialect.
import {
  OperationNodeTransformer,
  type KyselyPlugin,
  type PluginTransformQueryArgs,
  type PluginTransformResultArgs,
  type PrimitiveValueListNode,
  type QueryResult,
  type RootOperationNode,
  type UnknownRow,
  type ValueNode,
} from 'kysely';

/** Columns (as the application names them) that hold booleans. */
export const booleanColumns = new Set(['isAdmin', 'mustChangePassword', 'disabled', 'archived', 'late']);

/** Columns that hold instants: every `...At`, `at` itself, and `lockedUntil`. */
export function isTimestampColumn(name: string): boolean {
  return name === 'at' || name === 'lockedUntil' || /[a-z]At$/.test(name);
}

function encode(value: unknown): unknown {
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (value instanceof Date) return value.toISOString();
  return value;
}

class ParameterEncoder extends OperationNodeTransformer {
  protected override transformValue(node: ValueNode): ValueNode {
    const value = encode(node.value);
    return value === node.value ? super.transformValue(node) : { ...node, value };
  }

  protected override transformPrimitiveValueList(node: PrimitiveValueListNode): PrimitiveValueListNode {
    return { ...node, values: node.values.map(encode) };
  }
}

export class SqliteCodecPlugin implements KyselyPlugin {
  readonly #encoder = new ParameterEncoder();

  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    return this.#encoder.transformNode(args.node);
  }

  async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    for (const row of args.result.rows) decodeRow(row);
    return args.result;
  }
}

export function decodeRow(row: Record<string, unknown>): void {
  for (const key of Object.keys(row)) {
    const value = row[key];
    if (typeof value === 'number' && booleanColumns.has(key)) row[key] = value === 1;
    else if (typeof value === 'string' && isTimestampColumn(key)) row[key] = new Date(value);
  }
}
