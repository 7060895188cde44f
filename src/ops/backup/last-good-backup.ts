// The settings key `backup.last_good_at` holds the ISO-8601 instant of the last backup archive
// that was written completely. /readyz and `fms doctor` read it to report how old the newest
// backup is; only `fms backup` writes it, and only after the archive is in place.
import type { ServiceContext } from '../../context.js';
import { writeSetting } from '../../db/settings.js';

export const LAST_GOOD_BACKUP_SETTING = 'backup.last_good_at';

export function recordGoodBackup(ctx: Pick<ServiceContext, 'db' | 'clock'>, at: Date): Promise<void> {
  return writeSetting(ctx, LAST_GOOD_BACKUP_SETTING, at.toISOString());
}
