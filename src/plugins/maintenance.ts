// Answers every user request with the maintenance page while maintenance mode is on. The switch is
// read from the database at most every few seconds per process, so a busy server does not ask on
// every request; health checks, metrics and static files keep working.
import fp from 'fastify-plugin';
import { AppError } from '../lib/errors.js';
import './types.js';

/** How long a process trusts its last reading of the switch: every server follows within this. */
export const MAINTENANCE_READ_EVERY_MS = 3000;

export interface MaintenancePluginOptions {
  read: () => Promise<{ message: string; since: string } | null>;
  /** How long a read is trusted (default 3 s). */
  cacheMs?: number;
}

const exempt = (url: string) => url === '/healthz' || url === '/readyz' || url === '/metrics' || url.startsWith('/static/');

export class MaintenanceError extends AppError {
  constructor(message: string) {
    super(503, 'maintenance', message);
  }
}

export default fp(
  async (app, options: MaintenancePluginOptions) => {
    const cacheMs = options.cacheMs ?? MAINTENANCE_READ_EVERY_MS;
    let cached: { at: number; state: { message: string; since: string } | null } = { at: 0, state: null };
    const current = async () => {
      const now = Date.now();
      if (now - cached.at < cacheMs) return cached.state;
      try {
        cached = { at: now, state: await options.read() };
      } catch {
        // The database may be busy with a migration: keep the last known state.
        cached = { ...cached, at: now };
      }
      return cached.state;
    };
    app.decorate('maintenanceState', current);
    app.addHook('onRequest', async (request, reply) => {
      if (exempt(request.url.split('?')[0] ?? '')) return;
      const state = await current();
      if (!state) return;
      reply.header('retry-after', '120');
      throw new MaintenanceError(state.message);
    });
  },
  { name: 'fms-maintenance' },
);
