// What FMS adds to Fastify's request, reply and instance.
import type {} from '@fastify/cookie';
import type {} from '@fastify/csrf-protection';
import type { Redis } from 'ioredis';
import type { Actor } from '../access.js';
import type { Config } from '../config/index.js';
import type { AuthContext, ServiceContext } from '../context.js';
import type { Db } from '../db/index.js';
import type { Clock } from '../lib/clock.js';
import type { SessionStore } from '../session-store.js';
import type { Storage } from '../storage/index.js';
import type { FlashMessage, PageContext } from '../views/page.js';

export interface AppDeps {
  config: Config;
  db: Db;
  clock: Clock;
  sessions: SessionStore;
  /** The session store to use inside a transaction on `db` (the same store when sessions live in Redis). */
  sessionsFor: (db: Db) => SessionStore;
  redis: Redis | null;
  storage: Storage;
}

declare module 'fastify' {
  interface FastifyInstance {
    deps: AppDeps;
    asset(name: string): string;
    /** The hashed script of an island (landing/src/islands/<name>.tsx), or null when it is not built. */
    islandScript(name: string): string | null;
    /** The built landing page's HTML, or null when it was not built. */
    landingPage: string | null;
    /** Whether maintenance mode is on (cached for a few seconds). */
    maintenanceState(): Promise<{ message: string; since: string } | null>;
  }
  interface FastifyRequest {
    actor: Actor | null;
    /** The raw session id from the cookie, when the request carries a live session. */
    sessionId: string | null;
    sessionIdHash: string | null;
    mustChangePassword: boolean;
    /** True when the actor came from an API bearer token rather than a session cookie. */
    viaToken: boolean;
    /** A bearer token was sent but is unknown, revoked or expired (refused after rate limiting). */
    invalidToken: boolean;
    /** sha256 of a valid bearer token: the API rate limit counts per token. */
    tokenHash: string | null;
    /** The service context for this request (actor, client address, logger). */
    ctx(): AuthContext;
    /** Runs one unit of work in a database transaction, with a context whose db is the transaction. */
    inTransaction<T>(work: (ctx: AuthContext) => Promise<T>): Promise<T>;
    flashMessages: FlashMessage[];
  }
  interface FastifyReply {
    /** Sends a rendered page (or fragment) as text/html. */
    html(content: string | Promise<string>): FastifyReply;
    flash(kind: FlashMessage['kind'], text: string): void;
    pageContext(): PageContext;
  }
}

export type { ServiceContext };
