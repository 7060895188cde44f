// Department-wide settings kept in the database (e.g. whether the demo department was seeded).
// Internal: no actor checks here; callers are other services, the CLI and the seeds.
import type { ServiceContext } from '../../context.js';
import * as repo from './repository.js';

export function readSetting(ctx: Pick<ServiceContext, 'db'>, key: string): Promise<string | null> {
  return repo.getSetting(ctx.db, key);
}

export function writeSetting(ctx: Pick<ServiceContext, 'db' | 'clock'>, key: string, value: string): Promise<void> {
  return repo.putSetting(ctx.db, key, value, ctx.clock.now());
}
