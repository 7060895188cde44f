// Passwords printed where anyone can read them. The password policy refuses them; the demo seed
// (src/seeds/demo-logins.ts) is the one caller allowed to set the demo department's ones, and
// production start and `fms doctor` refuse a database whose demo accounts still hold them.

/** The demo department's passwords, by role: printed in the README and on the development sign-in page. */
export const demoPasswords = {
  admin: 'fms-demo-dept-head',
  lecturer: 'fms-demo-lecturer',
  student: 'fms-demo-student',
} as const;

export const publishedDemoPasswords: readonly string[] = Object.values(demoPasswords);

/**
 * Passphrases famous for being examples (xkcd 936's "correct horse battery staple"): on every
 * attacker's list, in any spacing, with anything added. Compared without spaces and punctuation.
 */
export const famousPassphrases: readonly string[] = ['correcthorsebatterystaple'];

/** The service's own words (NIST 800-63B's "context-specific words, such as the name of the service"). */
export const serviceWords: readonly string[] = ['fms', 'faculty', 'management', 'system', 'faculty management system', 'facultymanagementsystem'];
