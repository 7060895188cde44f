// Column names: the application says `studentNumber`, the tables say `student_number`.
//
// Kysely's CamelCasePlugin does this by copying the whole query tree on every query (5% of a
// students page's CPU) and renaming every row's keys one reduce() at a time. Here the compiler
// writes each identifier snake_cased as it prints the query, and a result's rows are renamed by one
// plan made from its first row (every row of a result has the same columns). The names map exactly
// as the plugin maps them: its own memoised conversions do the work.
import { CamelCasePlugin, PostgresQueryCompiler, SqliteQueryCompiler, type IdentifierNode, type KyselyPlugin, type PluginTransformQueryArgs, type PluginTransformResultArgs, type QueryResult, type RootOperationNode, type UnknownRow } from 'kysely';
import { booleanColumns, isTimestampColumn } from './codecs.js';

/** Only for the plugin's conversions, which it keeps protected. */
class Naming extends CamelCasePlugin {
  snake(name: string): string {
    return this.snakeCase(name);
  }

  camel(name: string): string {
    return this.camelCase(name);
  }
}

const naming = new Naming();

/** `studentNumber` → `student_number`, as CamelCasePlugin converts it. */
function snakeCase(name: string): string {
  return naming.snake(name);
}

/** `student_number` → `studentNumber`, as CamelCasePlugin converts it. */
export function camelCase(name: string): string {
  return naming.camel(name);
}

export class SnakeCaseSqliteQueryCompiler extends SqliteQueryCompiler {
  protected override compileUnwrappedIdentifier(node: IdentifierNode): void {
    this.append(this.sanitizeIdentifier(snakeCase(node.name)));
  }
}

export class SnakeCasePostgresQueryCompiler extends PostgresQueryCompiler {
  protected override compileUnwrappedIdentifier(node: IdentifierNode): void {
    this.append(this.sanitizeIdentifier(snakeCase(node.name)));
  }
}

const AS_IS = 0;
const BOOLEAN = 1;
const INSTANT = 2;

/**
 * Rows come back with camelCase keys; on SQLite, booleans and instants come back as such too (SQLite
 * stores 0/1 and ISO text; their columns are known by name, see codecs.ts). A JSON value's keys are
 * renamed all the way down, as CamelCasePlugin did.
 */
export class ResultRowsPlugin implements KyselyPlugin {
  readonly #decodeSqlite: boolean;

  constructor(options: { decodeSqlite: boolean }) {
    this.#decodeSqlite = options.decodeSqlite;
  }

  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    return args.node;
  }

  async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    const { rows } = args.result;
    if (!Array.isArray(rows) || rows.length === 0) return args.result;
    const columns = Object.keys(rows[0]!);
    const keys = columns.map(camelCase);
    const kinds = keys.map((key) => (!this.#decodeSqlite ? AS_IS : booleanColumns.has(key) ? BOOLEAN : isTimestampColumn(key) ? INSTANT : AS_IS));
    const renamed: UnknownRow[] = new Array(rows.length);
    for (let r = 0; r < rows.length; r++) {
      const row = rows[r]!;
      const out: UnknownRow = {};
      for (let c = 0; c < columns.length; c++) {
        let value = row[columns[c]!];
        if (value !== null && typeof value === 'object') value = renamedValue(value);
        else if (kinds[c] === BOOLEAN && typeof value === 'number') value = value === 1;
        else if (kinds[c] === INSTANT && typeof value === 'string') value = new Date(value);
        out[keys[c]!] = value;
      }
      renamed[r] = out;
    }
    return { ...args.result, rows: renamed };
  }
}

function renamedValue(value: object): unknown {
  if (Array.isArray(value)) return value.map((item: unknown) => (isPlainObject(item) ? renamedObject(item) : item));
  return isPlainObject(value) ? renamedObject(value) : value;
}

function renamedObject(value: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    const inner = value[key];
    out[camelCase(key)] = inner !== null && typeof inner === 'object' ? renamedValue(inner) : inner;
  }
  return out;
}

/** An object literal or JSON object, not a Date, Buffer or class instance (as Kysely tells them). */
function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Object.prototype.toString.call(value) !== '[object Object]') return false;
  const prototype = Object.getPrototypeOf(value) as object | null;
  return prototype === null || prototype === Object.prototype;
}
