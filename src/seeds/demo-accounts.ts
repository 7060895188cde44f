// Which demo accounts still open with their published passwords: the sign-in page and the start
// banner list them, production refuses to start while any remain. Apart from the seed (demo.ts)
// so that checking them does not load the seed and every service it writes through: a cluster
// primary checks them at every start and must fork its workers quickly (bench/RESULTS.md, start to ready).
import type { ServiceContext } from '../context.js';
import { findUserByUsername, usernamesWithPasswordUnchangedSince } from '../features/auth/service.js';
import { readSetting } from '../db/settings.js';
import { holdsPublishedDemoPassword } from '../lib/passwords.js';
import { DEMO_SEEDED_SETTING, demoLogins, demoUsernames } from './demo-logins.js';

/**
 * The demo sign-ins that still work with their published passwords: the account exists, is not
 * disabled, and its password has not changed since the seed. Shown on the sign-in page and in the
 * start banner; production refuses to start while any remain.
 */
export async function activeDemoLogins(ctx: Pick<ServiceContext, 'db'>) {
  const seededAt = await readSetting(ctx, DEMO_SEEDED_SETTING);
  if (seededAt === null) return [];
  const seeded = new Date(seededAt).getTime();
  const out = [];
  for (const login of demoLogins) {
    const user = await findUserByUsername(ctx, login.username);
    if (user && !user.disabled && user.passwordChangedAt.getTime() <= seeded) out.push({ ...login });
  }
  return out;
}

/**
 * The demo usernames whose stored password is still a published one: enabled accounts whose hash
 * verifies against a demo password, whether it was never changed or set back later. Production
 * refuses to start while any remain. Only the 34 demo usernames are looked up (the users table may
 * hold 100,000), one-time hashes are skipped (a reset gives a random password), and the
 * verifications run together on libuv's thread pool: about a second in the worst case.
 */
export async function demoAccountsWithPublishedPasswords(ctx: Pick<ServiceContext, 'db'>): Promise<string[]> {
  const usernames = new Set(demoUsernames());
  // Demo departments seeded by older versions named their students after them (j.novak, m.horvat):
  // in a copy of such a database, the accounts untouched since the seed are demo accounts too.
  const seededAt = await readSetting(ctx, DEMO_SEEDED_SETTING);
  if (seededAt !== null) for (const username of await usernamesWithPasswordUnchangedSince(ctx, new Date(seededAt))) usernames.add(username);
  const found = await Promise.all(
    [...usernames].map(async (username) => {
      const user = await findUserByUsername(ctx, username);
      if (!user || user.disabled) return null;
      return (await holdsPublishedDemoPassword(user.passwordHash)) ? user.username : null;
    }),
  );
  return found.filter((username): username is string => username !== null);
}
