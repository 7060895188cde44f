// Is the database usable: reachable, and with every migration applied?
import { sql } from 'kysely';
import type { Db } from './index.js';
import { pendingMigrations } from './migrator.js';

export interface DatabaseHealth {
  ok: boolean;
  reason?: string;
  pending?: string[];
}

export async function checkDatabase(db: Db): Promise<DatabaseHealth> {
  try {
    await sql`select 1`.execute(db);
  } catch (error) {
    return { ok: false, reason: `database unreachable: ${(error as Error).message}` };
  }
  try {
    const pending = await pendingMigrations(db);
    if (pending.length) return { ok: false, reason: `${pending.length} pending migration(s): run \`fms migrate\``, pending };
  } catch (error) {
    return { ok: false, reason: `cannot read migrations: ${(error as Error).message}` };
  }
  return { ok: true };
}
