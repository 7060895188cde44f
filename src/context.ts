// What every service receives: its dependencies, passed in, never global.
import type { Logger } from 'pino';
import type { Actor } from './access.js';
import type { Config } from './config/index.js';
import type { Db } from './db/index.js';
import type { Clock } from './lib/clock.js';
import { NotFound } from './lib/errors.js';
import type { SessionStore } from './session-store.js';
import type { Storage } from './storage/index.js';

export interface ServiceContext {
  readonly db: Db;
  readonly actor: Actor | null;
  readonly clock: Clock;
  readonly log: Pick<Logger, 'info' | 'warn' | 'error' | 'debug'>;
  readonly config: Config;
  /** Where uploaded files live (absent where a caller needs no files, e.g. the seeds). */
  readonly storage?: Storage;
  /** The client address for the audit trail, when the call comes over HTTP. */
  readonly ip?: string | null;
}

/** A context whose actor is known to be signed in. */
export type ActorContext = ServiceContext & { readonly actor: Actor };

/** A context that can start and end sessions: what HTTP requests and the CLI hand to the services. */
export type AuthContext = ServiceContext & { readonly sessions: SessionStore };

/**
 * The actor of a service call that reads scoped records. With nobody signed in there is nothing to
 * see, so the answer is the scopes' 404 (DESIGN.md convention 3), not a hint that the record exists.
 */
export function signedInActor(ctx: ServiceContext): Actor {
  if (!ctx.actor) throw new NotFound();
  return ctx.actor;
}
