// What Kysely's migrator sees of a PostgreSQL database: the tables of our own schema only.
//
// Kysely's own PostgresIntrospector lists every column of every schema in the database and calls
// pg_get_serial_sequence on each by name (this one asks the catalog by oid, so nothing is looked up
// by a name that may be gone). When another process drops a schema, a table or a column
// meanwhile (`fms backup --verify` drops its scratch schema, another FMS sharing the database
// migrates its own, test suites drop theirs), the name no longer resolves and the whole listing
// fails with "relation … does not exist" about a schema that is not ours. Listing only
// current_schema() (the first of search_path, where the migrator creates its tables) leaves other
// schemas out of it altogether.
import { sql, type DatabaseIntrospector, type DatabaseMetadata, type DatabaseMetadataOptions, type Kysely, type SchemaMetadata, type TableMetadata } from 'kysely';

interface ColumnRow {
  column: string;
  not_null: boolean;
  has_default: boolean;
  table: string;
  table_type: string;
  schema: string;
  type: string;
  type_schema: string;
  auto_incrementing: boolean;
}

// migrator.ts names them; it imports this module's user, so the names are repeated here.
const KYSELY_TABLES = ['fms_migrations', 'fms_migrations_lock'];

export class OwnSchemaIntrospector implements DatabaseIntrospector {
  readonly #db: Kysely<unknown>;

  constructor(db: Kysely<unknown>) {
    this.#db = db;
  }

  async getSchemas(): Promise<SchemaMetadata[]> {
    const { rows } = await sql<{ nspname: string }>`select nspname from pg_catalog.pg_namespace`.execute(this.#db);
    return rows.map((r) => ({ name: r.nspname }));
  }

  async getTables(options: DatabaseMetadataOptions = { withInternalKyselyTables: false }): Promise<TableMetadata[]> {
    const { rows } = await sql<ColumnRow>`
      select a.attname as column, a.attnotnull as not_null, a.atthasdef as has_default,
             c.relname as table, c.relkind as table_type, ns.nspname as schema,
             typ.typname as type, dtns.nspname as type_schema,
             -- What pg_get_serial_sequence looks up, by the column's oid rather than its name: a
             -- sequence the column owns (serial) or an identity column.
             (a.attidentity <> '' or exists (
               select 1 from pg_catalog.pg_depend dep join pg_catalog.pg_class seq on seq.oid = dep.objid and seq.relkind = 'S'
                where dep.refobjid = c.oid and dep.refobjsubid = a.attnum and dep.deptype in ('a', 'i'))) as auto_incrementing
        from pg_catalog.pg_attribute a
        join pg_catalog.pg_class c on a.attrelid = c.oid
        join pg_catalog.pg_namespace ns on c.relnamespace = ns.oid
        join pg_catalog.pg_type typ on a.atttypid = typ.oid
        join pg_catalog.pg_namespace dtns on typ.typnamespace = dtns.oid
       where ns.nspname = current_schema()
         and c.relkind in ('r', 'v', 'p')
         and a.attnum >= 0 and not a.attisdropped
       order by c.relname, a.attnum`.execute(this.#db);
    const tables = new Map<string, TableMetadata & { columns: TableMetadata['columns'][number][] }>();
    for (const row of rows) {
      if (!options.withInternalKyselyTables && KYSELY_TABLES.includes(row.table)) continue;
      let table = tables.get(row.table);
      if (!table) {
        table = { name: row.table, schema: row.schema, isView: row.table_type === 'v', columns: [] };
        tables.set(row.table, table);
      }
      table.columns.push({
        name: row.column,
        dataType: row.type,
        dataTypeSchema: row.type_schema,
        isNullable: !row.not_null,
        hasDefaultValue: row.has_default,
        isAutoIncrementing: row.auto_incrementing,
      });
    }
    return [...tables.values()];
  }

  async getMetadata(options?: DatabaseMetadataOptions): Promise<DatabaseMetadata> {
    return { tables: await this.getTables(options) };
  }
}
