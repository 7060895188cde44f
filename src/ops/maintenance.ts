// Maintenance mode: while operators upgrade, every instance answers users with a friendly 503 page.
// The switch lives in the database (the settings table), so one command reaches every instance
// and every worker; `fms migrate` may run meanwhile.
import type { ServiceContext } from '../context.js';
import { readSetting, writeSetting } from '../db/settings.js';
import { LAST_GOOD_BACKUP_SETTING } from './backup/last-good-backup.js';

export const MAINTENANCE_SETTING = 'maintenance';
/** Written by `fms backup` when an archive is complete. */
export const LAST_BACKUP_SETTING = LAST_GOOD_BACKUP_SETTING;

export interface MaintenanceState {
  message: string;
  since: string;
}

export const DEFAULT_MAINTENANCE_MESSAGE = 'FMS is being upgraded and will be back in a few minutes.';

export async function readMaintenance(ctx: Pick<ServiceContext, 'db'>): Promise<MaintenanceState | null> {
  const value = await readSetting(ctx, MAINTENANCE_SETTING);
  if (!value) return null;
  try {
    const state = JSON.parse(value) as Partial<MaintenanceState>;
    return state.since ? { message: state.message || DEFAULT_MAINTENANCE_MESSAGE, since: state.since } : null;
  } catch {
    return null;
  }
}

export async function turnMaintenanceOn(ctx: Pick<ServiceContext, 'db' | 'clock'>, message?: string): Promise<MaintenanceState> {
  const state = { message: message?.trim() || DEFAULT_MAINTENANCE_MESSAGE, since: ctx.clock.now().toISOString() };
  await writeSetting(ctx, MAINTENANCE_SETTING, JSON.stringify(state));
  return state;
}

export async function turnMaintenanceOff(ctx: Pick<ServiceContext, 'db' | 'clock'>): Promise<void> {
  await writeSetting(ctx, MAINTENANCE_SETTING, '');
}

/** When the last complete backup was written, or null when there has been none. */
export async function readLastBackup(ctx: Pick<ServiceContext, 'db'>): Promise<Date | null> {
  const value = await readSetting(ctx, LAST_BACKUP_SETTING);
  const at = value ? new Date(value) : null;
  return at && !Number.isNaN(at.getTime()) ? at : null;
}
