// Admins' account management: list, create, reset a password, disable. The CLI calls the same
// functions with the system actor.
import { authorize, mayDisableAccount, mayResetPassword } from '../../access.js';
import type { ServiceContext } from '../../context.js';
import type { Role, User } from '../../db/schema.js';
import { Conflict, Forbidden, Invalid, NotFound } from '../../lib/errors.js';
import { hashOneTimePassword, holdsPublishedDemoPassword, passwordProblem } from '../../lib/passwords.js';
import { numberedUsername, usernameBase } from '../../lib/people.js';
import { oneTimePassword } from '../../lib/secrets.js';
import { validate } from '../../lib/validation.js';
import { endCalendarFeedOf } from '../calendar/service.js';
import { formIdNotYetUsed, recordAudit, recordAuditMany } from '../audit/service.js';
import * as users from '../auth/service.js';
import { hashNewPassword } from '../auth/service.js';
import { clearLockout } from '../auth/lockout.js';
import type { SessionStore } from '../../session-store.js';
import * as repo from './repository.js';
import { CreateAccountInput, ListAccountsQuery } from './schemas.js';

export const ACCOUNTS_PAGE_SIZE = 50;

/** What an admin may see of an account: never its password hash. */
export function publicAccount(user: User) {
  return {
    id: user.id,
    username: user.username,
    displayName: user.displayName,
    role: user.role,
    isAdmin: user.isAdmin,
    disabled: user.disabled,
    mustChangePassword: user.mustChangePassword,
    lockedUntil: user.lockedUntil,
    lastLoginAt: user.lastLoginAt,
    createdAt: user.createdAt,
  };
}

export function assertMayCreateAccounts(ctx: ServiceContext): void {
  authorize(ctx.actor, 'accounts.create');
}

export async function listAccounts(ctx: ServiceContext, query: unknown) {
  authorize(ctx.actor, 'accounts.list');
  const { q, role, page = 1 } = validate(ListAccountsQuery, query);
  const { rows, total, atLeast } = await repo.listAccounts(ctx.db, {
    search: await repo.prepareAccountSearch(ctx.db, q || undefined),
    role: (role || undefined) as Role | undefined,
    limit: ACCOUNTS_PAGE_SIZE,
    offset: (page - 1) * ACCOUNTS_PAGE_SIZE,
  });
  return { rows, total, totalIsAtLeast: atLeast, page, pageSize: ACCOUNTS_PAGE_SIZE };
}

/** Every account the list shows under its search and role (username order), in batches, for an export. */
export async function* exportAccounts(ctx: ServiceContext, query: unknown) {
  authorize(ctx.actor, 'accounts.list');
  const { q, role } = validate(ListAccountsQuery, query);
  const search = await repo.prepareAccountSearch(ctx.db, q || undefined);
  let after: string | undefined;
  for (;;) {
    const rows = await repo.accountsAfter(ctx.db, { search, role: (role || undefined) as Role | undefined, after, limit: 500 });
    yield* rows;
    if (rows.length < 500) return;
    after = rows[rows.length - 1]!.username;
  }
}

/** The accounts locked now, for the admin dashboard: the first `limit`, and how many (as far as 1,000). */
export async function lockedAccounts(ctx: ServiceContext, limit = 10) {
  authorize(ctx.actor, 'accounts.list');
  return repo.lockedAccounts(ctx.db, ctx.clock.now(), limit, 1000);
}

export async function getAccount(ctx: ServiceContext, userId: number) {
  authorize(ctx.actor, 'accounts.list');
  const user = await users.findUserById(ctx, userId);
  if (!user) throw new NotFound('No such account.');
  return publicAccount(user);
}

export interface CreatedAccount {
  user: ReturnType<typeof publicAccount>;
  /** Set when the password was generated: shown once, to be changed at the first sign-in. */
  oneTimePassword: string | null;
}

export async function createAccount(
  ctx: ServiceContext,
  input: unknown,
  links: { studentId?: number | null; lecturerId?: number | null; isAdmin?: boolean } = {},
): Promise<CreatedAccount> {
  authorize(ctx.actor, 'accounts.create');
  const data = validate(CreateAccountInput, input);
  const username = data.username.toLowerCase();
  if (await users.findUserByUsername(ctx, username))
    throw new Conflict('That username is taken.', { username: `The username "${username}" is taken; choose another.` });
  let password = data.password;
  let generated: string | null = null;
  if (password) {
    const problem = passwordProblem(password, { username });
    if (problem) throw new Invalid('Check the highlighted fields.', { password: problem });
  } else {
    generated = oneTimePassword();
    password = generated;
  }
  const now = ctx.clock.now();
  const user = await users.insertUser(ctx, {
    username,
    passwordHash: generated ? await hashOneTimePassword(generated) : await hashNewPassword(ctx, password),
    role: data.role,
    isAdmin: data.role === 'admin' || links.isAdmin === true,
    studentId: links.studentId ?? null,
    lecturerId: links.lecturerId ?? null,
    displayName: data.displayName?.trim() || username,
    mustChangePassword: generated !== null,
    passwordChangedAt: now,
    createdAt: now,
    updatedAt: now,
  });
  await recordAudit(ctx, { action: 'account.created', entity: 'user', entityId: user.id, after: publicAccount(user) });
  return { user: publicAccount(user), oneTimePassword: generated };
}

async function requireAccount(ctx: ServiceContext, userId: number) {
  const user = await users.findUserById(ctx, userId);
  if (!user) throw new NotFound('No such account.');
  return user;
}

/**
 * Gives the account a one-time password (shown once), unlocks it, ends its sessions and revokes its
 * API tokens.
 *
 * `options.formId`: the random id of the page's Reset password form. The same form sent again (a
 * browser reloading the page that showed the new password) is refused with AlreadySubmitted, so the
 * password just handed out keeps working.
 */
export async function resetPassword(ctx: ServiceContext & { sessions: SessionStore }, userId: number, options: { formId?: string } = {}) {
  authorize(ctx.actor, 'accounts.resetPassword');
  const user = await requireAccount(ctx, userId);
  if (!mayResetPassword(ctx.actor, user.id)) throw new Forbidden('You cannot reset your own password here: change it under Account › Change password (/account/password).');
  const formId = await formIdNotYetUsed(
    ctx,
    'account.password_reset',
    'This password was already reset from this page, and its one-time password was shown then; it still works. To make another, press Reset password again.',
    options.formId,
  );
  const password = oneTimePassword();
  const now = ctx.clock.now();
  await users.updateUser(ctx, user.id, {
    passwordHash: await hashOneTimePassword(password),
    mustChangePassword: true,
    passwordChangedAt: now,
    updatedAt: now,
  });
  // A reset is how an account is taken back: every way in that the old password opened ends here,
  // the API tokens too, for good (security review F3). The locks lift with the new password.
  await clearLockout(ctx, user.id);
  await ctx.sessions.destroyForUser(user.id);
  const tokensRevoked = await users.revokeAllTokensOfUser(ctx, user.id);
  // The deadlines feed's address is a key too: it ends with the rest.
  const calendarFeedEnded = await endCalendarFeedOf(ctx, user.id);
  await recordAudit(ctx, {
    action: 'account.password_reset',
    entity: 'user',
    entityId: user.id,
    after: { ...(formId ? { formId } : {}), tokensRevoked, ...(calendarFeedEnded ? { calendarFeedEnded } : {}) },
  });
  return { user: publicAccount(user), oneTimePassword: password };
}

/**
 * Disables (or re-enables) an account. Disabling ends its sessions and revokes its API tokens, so
 * enabling it again brings none of them back: its owner signs in and makes new ones. `via` names
 * the way it was done in the audit entry (`cli`), as imports record theirs.
 */
export async function setAccountDisabled(ctx: ServiceContext & { sessions: SessionStore }, userId: number, disabled: boolean, options: { via?: string } = {}) {
  authorize(ctx.actor, 'accounts.disable');
  const user = await requireAccount(ctx, userId);
  if (disabled && !mayDisableAccount(ctx.actor, user.id)) throw new Forbidden('You cannot disable the account you are signed in with.');
  if (user.disabled === disabled) return publicAccount(user);
  // Production refuses to start while a demo account signs in with a published password, and
  // "disable it" is one of the fixes it names: enabling it again must not open that door at run time.
  if (!disabled && ctx.config.isProduction && (await holdsPublishedDemoPassword(user.passwordHash)))
    throw new Conflict(
      `The account "${user.username}" still has a password published in FMS's documentation: reset its password first (Reset password, or \`fms user reset-password ${user.username}\`), then enable it.`,
    );
  await users.updateUser(ctx, user.id, { disabled, updatedAt: ctx.clock.now() });
  let tokensRevoked = 0;
  let calendarFeedEnded = false;
  if (disabled) {
    await ctx.sessions.destroyForUser(user.id);
    tokensRevoked = await users.revokeAllTokensOfUser(ctx, user.id);
    calendarFeedEnded = await endCalendarFeedOf(ctx, user.id);
  }
  await recordAudit(ctx, {
    action: disabled ? 'account.disabled' : 'account.enabled',
    entity: 'user',
    entityId: user.id,
    before: { disabled: user.disabled },
    after: { disabled, ...(tokensRevoked ? { tokensRevoked } : {}), ...(calendarFeedEnded ? { calendarFeedEnded } : {}), ...(options.via ? { via: options.via } : {}) },
  });
  return publicAccount({ ...user, disabled });
}

export async function findAccountByUsername(ctx: ServiceContext, username: string) {
  authorize(ctx.actor, 'accounts.list');
  const user = await users.findUserByUsername(ctx, username);
  if (!user) throw new NotFound(`No account named "${username}".`);
  return user;
}

// Accounts for people: every student and lecturer record gets its sign-in account, linked to it.

export interface PersonAccountRequest {
  role: 'student' | 'lecturer';
  /** Given by the admin, or null to generate a readable one from the name. */
  username: string | null;
  firstName: string;
  lastName: string;
  studentId?: number;
  lecturerId?: number;
  isAdmin?: boolean;
}

export interface PersonAccount {
  userId: number;
  username: string;
  oneTimePassword: string;
}

/** Creates the account of a new student or lecturer record, with a one-time password shown once. */
export async function createPersonAccount(ctx: ServiceContext, request: PersonAccountRequest): Promise<PersonAccount> {
  authorize(ctx.actor, 'accounts.create');
  let username = request.username?.toLowerCase() ?? null;
  if (!username) {
    const base = usernameBase(request.firstName, request.lastName);
    username = (await freeUsernames(ctx, [base], new Set())).get(base)![0]!;
  }
  const created = await createAccount(
    ctx,
    { username, role: request.role, displayName: `${request.firstName} ${request.lastName}`.trim() },
    { studentId: request.studentId ?? null, lecturerId: request.lecturerId ?? null, isAdmin: request.isAdmin },
  );
  return { userId: created.user.id, username: created.user.username, oneTimePassword: created.oneTimePassword! };
}

/**
 * Many accounts at once (a bulk import): readable usernames that avoid every taken one and each
 * other, one-time passwords, a few INSERTs. Runs inside the caller's transaction.
 */
/**
 * How the batches of one import share their usernames: `reserved`, the names the whole import asks
 * for, kept free of generated ones; `nextNumbers`, per base ("a.novak"), the first number a later
 * batch need look at (every lower one is taken or handed out already: at `large`, a common base
 * has dozens of namesakes, and each batch of 500 looked at them all again).
 */
export interface UsernameNaming {
  reserved?: ReadonlySet<string>;
  nextNumbers?: Map<string, number>;
}

export async function createPersonAccountsInBulk(ctx: ServiceContext, requests: readonly PersonAccountRequest[], options: UsernameNaming = {}): Promise<PersonAccount[]> {
  authorize(ctx.actor, 'accounts.create');
  if (requests.length === 0) return [];
  const refuse = (username: string) => new Conflict(`The username "${username}" is taken.`, { username: `The username "${username}" is taken; choose another or leave it empty.` });
  const asked = requests.flatMap((r) => (r.username ? [r.username.toLowerCase()] : []));
  const taken = await users.takenUsernames(ctx, asked);
  const now = ctx.clock.now();
  // Names asked for explicitly (in these requests, or in later batches of the same import: options.
  // reserved) are kept free of generated ones, so an earlier row's generated name never takes them.
  const avoid = new Set([...taken, ...(options.reserved ?? [])]);
  const explicit = new Set<string>();
  for (const username of asked) {
    if (taken.has(username) || explicit.has(username)) throw refuse(username);
    explicit.add(username);
    avoid.add(username);
  }
  const free = await freeUsernames(
    ctx,
    requests.flatMap((r) => (r.username ? [] : [usernameBase(r.firstName, r.lastName)])),
    avoid,
    options.nextNumbers,
  );
  const generate = (base: string) => free.get(base)!.shift()!;
  const planned = requests.map((r) => ({ request: r, username: r.username?.toLowerCase() || generate(usernameBase(r.firstName, r.lastName)), password: oneTimePassword() }));
  const hashes: string[] = [];
  // A few hashes in flight at once: the argon2 binding works on libuv's thread pool.
  for (let i = 0; i < planned.length; i += 64) hashes.push(...(await Promise.all(planned.slice(i, i + 64).map((p) => hashOneTimePassword(p.password)))));
  const inserted = await users.insertUsers(
    ctx,
    planned.map((p, i) => ({
      username: p.username,
      passwordHash: hashes[i]!,
      role: p.request.role,
      isAdmin: p.request.isAdmin === true,
      studentId: p.request.studentId ?? null,
      lecturerId: p.request.lecturerId ?? null,
      displayName: `${p.request.firstName} ${p.request.lastName}`.trim(),
      mustChangePassword: true,
      passwordChangedAt: now,
      createdAt: now,
      updatedAt: now,
    })),
  );
  const idByUsername = new Map(inserted.map((u) => [u.username, u.id]));
  await recordAuditMany(
    ctx,
    planned.map((p) => ({
      action: 'account.created',
      entity: 'user',
      entityId: idByUsername.get(p.username)!,
      after: { username: p.username, role: p.request.role, studentId: p.request.studentId ?? null, lecturerId: p.request.lecturerId ?? null },
    })),
  );
  return planned.map((p) => ({ userId: idByUsername.get(p.username)!, username: p.username, oneTimePassword: p.password }));
}

/**
 * For each base ("a.novak"), as many free usernames as are asked for, in the order one at a time
 * would give them (a.novak, a.novak2, …): the candidates are looked up in the database a window
 * at a time, so the cost follows the names made, not the accounts there are (100,000 at `large`).
 */
async function freeUsernames(ctx: ServiceContext, bases: readonly string[], avoid: ReadonlySet<string>, nextNumbers?: Map<string, number>): Promise<Map<string, string[]>> {
  const wanted = new Map<string, number>();
  for (const base of bases) wanted.set(base, (wanted.get(base) ?? 0) + 1);
  const free = new Map<string, string[]>([...wanted.keys()].map((base) => [base, []]));
  const next = new Map<string, number>([...wanted.keys()].map((base) => [base, nextNumbers?.get(base) ?? 1]));
  // A name one base gives may be another's ("ab1" + "2" and "ab" + "12"): each is handed out once.
  const claimed = new Set<string>();
  // A few more than wanted first (most bases of a small department are free), then twice as many
  // each round for a base whose namesakes took them: a common base at `large` has dozens.
  const window = new Map<string, number>([...wanted].map(([base, n]) => [base, n + 3]));
  let open = [...wanted.keys()];
  while (open.length > 0) {
    const windows = open.map((base) => {
      const from = next.get(base)!;
      const size = window.get(base)!;
      const names = Array.from({ length: size }, (_, i) => numberedUsername(base, from + i));
      next.set(base, from + size);
      window.set(base, 2 * size);
      return { base, from, names };
    });
    const taken = await users.takenUsernames(ctx, windows.flatMap((w) => w.names));
    for (const { base, from, names } of windows) {
      const list = free.get(base)!;
      names.forEach((name, i) => {
        if (list.length >= wanted.get(base)! || taken.has(name) || avoid.has(name) || claimed.has(name)) return;
        list.push(name);
        claimed.add(name);
        nextNumbers?.set(base, from + i + 1);
      });
    }
    open = open.filter((base) => free.get(base)!.length < wanted.get(base)!);
  }
  return free;
}

/** The account linked to a student or lecturer record (admins, or the person themself). */
export async function accountOfPerson(ctx: ServiceContext, person: { studentId: number } | { lecturerId: number }) {
  const user = await users.findUserOfPerson(ctx, person);
  return user ? publicAccount(user) : null;
}

/**
 * Keeps a person's account named as their record is (a student who changes their name is greeted,
 * listed and found by the new one). The account's own history needs no entry: the record's holds it.
 */
export async function renamePersonAccount(ctx: ServiceContext, person: { studentId: number } | { lecturerId: number }, name: { firstName: string; lastName: string }) {
  const user = await users.findUserOfPerson(ctx, person);
  const displayName = `${name.firstName} ${name.lastName}`.trim();
  if (!user || user.displayName === displayName) return;
  await users.updateUser(ctx, user.id, { displayName, updatedAt: ctx.clock.now() });
}

/** Keeps the admin flag of a lecturer's account in step with the lecturer record. */
export async function setAccountAdminFlag(ctx: ServiceContext, userId: number, isAdmin: boolean) {
  authorize(ctx.actor, 'accounts.create');
  const user = await requireAccount(ctx, userId);
  if (user.role === 'admin' || user.isAdmin === isAdmin) return;
  if (!isAdmin && ctx.actor.userId === userId) throw new Forbidden('You cannot remove your own admin rights.');
  await users.updateUser(ctx, userId, { isAdmin, updatedAt: ctx.clock.now() });
  await recordAudit(ctx, { action: 'account.updated', entity: 'user', entityId: userId, before: { isAdmin: user.isAdmin }, after: { isAdmin } });
}

/**
 * Gives an account a password chosen by the operator, not to be changed at the next sign-in: for
 * the demo department's published logins (seeds) only. People's passwords are theirs to choose.
 */
export async function setPasswordForDemo(ctx: ServiceContext, userId: number, password: string) {
  authorize(ctx.actor, 'accounts.resetPassword');
  const user = await requireAccount(ctx, userId);
  // The one caller allowed a published demo password (the policy refuses them everywhere else);
  // production refuses to start while a demo account still holds one.
  const problem = passwordProblem(password, { username: user.username }, { allowPublishedDemoPassword: true });
  if (problem) throw new Invalid('Check the password.', { password: problem });
  const now = ctx.clock.now();
  await users.updateUser(ctx, userId, { passwordHash: await hashNewPassword(ctx, password), mustChangePassword: false, passwordChangedAt: now, updatedAt: now });
}

/**
 * Disables the account of a student or lecturer record being archived (its sessions end, its tokens
 * stop). Answers whether it was enabled before.
 */
export async function disablePersonAccount(ctx: ServiceContext & { sessions: SessionStore }, person: { studentId: number } | { lecturerId: number }): Promise<boolean> {
  authorize(ctx.actor, 'accounts.disable');
  const user = await users.findUserOfPerson(ctx, person);
  if (!user || user.disabled) return false;
  await setAccountDisabled(ctx, user.id, true);
  return true;
}
