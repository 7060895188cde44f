// A student's private calendar feed: an address with a random secret that calendar apps fetch without
// signing in. Like an API token (auth/service.ts) the secret is shown once and only its SHA-256 is
// kept; each account has at most one address, and making a new one ends the old.
import type { Actor } from '../../access.js';
import type { ServiceContext } from '../../context.js';
import { signedInActor } from '../../context.js';
import { Forbidden } from '../../lib/errors.js';
import { randomToken, sha256 } from '../../lib/secrets.js';
import { recordAudit } from '../audit/service.js';
import { actorFromUser, findUserById } from '../auth/service.js';
import { myExercises } from '../exercises/service.js';
import { deadlinesCalendar, type FeedSite } from './deadlines-calendar.js';
import * as repo from './repository.js';

export type { FeedSite } from './deadlines-calendar.js';

/** 32 random bytes in base64url: 43 characters, 256 bits, nothing to guess or count through. */
const SECRET_BYTES = 32;
const secretShape = /^[A-Za-z0-9_-]{43}$/;
/** A feed records its last fetch at most this often, so hourly polling costs one write an hour, not one per fetch. */
const USE_RECORDED_EVERY_MS = 3_600_000;

function studentOnly(ctx: ServiceContext): Actor {
  const actor = signedInActor(ctx);
  if (actor.role !== 'student' || actor.studentId === null)
    throw new Forbidden('The calendar feed lists a student\'s own deadlines; lecturers and admins find exercises on their subjects.');
  return actor;
}

export interface FeedStatus {
  createdAt: Date;
  lastUsedAt: Date | null;
}

/** The student's feed, without its address (which is never kept), or null when it is off. */
export async function myCalendarFeed(ctx: ServiceContext): Promise<FeedStatus | null> {
  const actor = studentOnly(ctx);
  const feed = await repo.findFeedOfUser(ctx.db, actor.userId);
  return feed ? { createdAt: feed.createdAt, lastUsedAt: feed.lastUsedAt } : null;
}

/** Makes the student's feed address, or a new one in place of the old; answers the secret, to be shown once. */
export async function makeCalendarFeed(ctx: ServiceContext): Promise<{ secret: string; replaced: boolean }> {
  const actor = studentOnly(ctx);
  const secret = randomToken(SECRET_BYTES);
  const { id, replaced } = await repo.putFeed(ctx.db, { userId: actor.userId, secretHash: sha256(secret), createdAt: ctx.clock.now() });
  await recordAudit(ctx, { action: replaced ? 'calendar.feed_replaced' : 'calendar.feed_made', entity: 'user', entityId: actor.userId, after: { feed: id } });
  return { secret, replaced };
}

/** Turns the student's feed off: its address answers 404 from now on. Answers whether it was on. */
export async function turnOffCalendarFeed(ctx: ServiceContext): Promise<boolean> {
  const actor = studentOnly(ctx);
  const deleted = await repo.deleteFeedOfUser(ctx.db, actor.userId);
  if (deleted) await recordAudit(ctx, { action: 'calendar.feed_turned_off', entity: 'user', entityId: actor.userId });
  return deleted;
}

/**
 * Ends the account's feed for good (its address answers 404 even after the account is enabled or
 * its password chosen again): what a password reset or a disabling does, as for API tokens. The
 * accounts service has already decided the actor may; answers whether there was one.
 */
export async function endCalendarFeedOf(ctx: Pick<ServiceContext, 'db'>, userId: number): Promise<boolean> {
  return repo.deleteFeedOfUser(ctx.db, userId);
}

/**
 * The deadlines calendar behind a feed's secret, or null for any secret that names no working feed
 * (malformed, unknown, replaced, turned off, its account disabled, reset or no longer a student's): the
 * caller answers all of them with the same 404. Nobody is signed in; the secret is the key.
 */
export async function calendarOfSecret(ctx: ServiceContext, secret: string, site: FeedSite): Promise<string | null> {
  if (!secretShape.test(secret)) return null;
  const feed = await repo.findFeedBySecretHash(ctx.db, sha256(secret));
  if (!feed) return null;
  const user = await findUserById(ctx, feed.userId);
  // An account waiting for its owner to choose a password (after an admin's reset) is treated as API
  // tokens treat it: nothing is served until its owner has signed in again.
  if (!user || user.disabled || user.mustChangePassword || user.role !== 'student' || user.studentId === null) return null;
  const now = ctx.clock.now();
  if (!feed.lastUsedAt || now.getTime() - feed.lastUsedAt.getTime() >= USE_RECORDED_EVERY_MS) await repo.markFeedUsed(ctx.db, feed.id, now);
  const exercises = await myExercises({ ...ctx, actor: actorFromUser(user) });
  return deadlinesCalendar({ exercises, site, now, timeZone: ctx.config.timeZone });
}
