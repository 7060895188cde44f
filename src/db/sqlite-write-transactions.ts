// SQLite's dialect, with transactions that take the write lock when they begin.
//
// Kysely begins a transaction with a deferred BEGIN: it reads a snapshot and asks for the write lock
// only at its first write. When another process (a second worker, or the CLI beside the server)
// commits in between, SQLite cannot let it write on its now stale snapshot and answers SQLITE_BUSY
// at once, whatever busy_timeout says: with two workers, 60 of 560 scorings in the Waiting Room
// answered 500 (`npm run bench`). BEGIN IMMEDIATE takes the write lock first, so the processes queue
// for it (busy_timeout, 5 s) and each transaction reads what the previous one committed. Within one
// process nothing changes: Kysely already runs one query at a time on SQLite's single connection.
import { CompiledQuery, SqliteDialect, SqliteDriver, type DatabaseConnection, type Driver, type SqliteDialectConfig } from 'kysely';

class ImmediateSqliteDriver extends SqliteDriver {
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }
}

export class WriteTransactionsSqliteDialect extends SqliteDialect {
  readonly #config: SqliteDialectConfig;

  constructor(config: SqliteDialectConfig) {
    super(config);
    this.#config = config;
  }

  override createDriver(): Driver {
    return new ImmediateSqliteDriver(this.#config);
  }
}
