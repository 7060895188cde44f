// Department-wide settings kept in the database: the maintenance switch, the last good backup, the
// demo department's seed mark. A store below both the app and the operators' jobs (src/ops), which
// share these values without one calling the other. Internal: no actor checks; callers are
// services, the CLI, the seeds and ops.
import type { Clock } from '../lib/clock.js';
import type { Db } from './index.js';

export async function readSetting(ctx: { db: Db }, key: string): Promise<string | null> {
  const row = await ctx.db.selectFrom('settings').select('value').where('key', '=', key).executeTakeFirst();
  return row?.value ?? null;
}

export async function writeSetting(ctx: { db: Db; clock: Clock }, key: string, value: string): Promise<void> {
  const at = ctx.clock.now();
  await ctx.db
    .insertInto('settings')
    .values({ key, value, updatedAt: at })
    .onConflict((oc) => oc.column('key').doUpdateSet({ value, updatedAt: at }))
    .execute();
}
