// The demo department's sign-ins, printed at start and shown on the sign-in page in development.
// They are public by design, which is why production never seeds them (config refuses it) and
// refuses to start while any demo account still holds a published password.
import { demoPasswords } from '../lib/published-passwords.js';

export const demoLogins = [
  { role: 'admin', username: 'admin', password: demoPasswords.admin },
  { role: 'lecturer', username: 'l.petrova', password: demoPasswords.lecturer },
  { role: 'student', username: 's.novak', password: demoPasswords.student },
] as const;

export const DEMO_SEEDED_SETTING = 'demo.seeded_at';

/** The demo lecturers' usernames; each gets the lecturer password. */
export const demoLecturerUsernames = ['l.petrova', 'l.horvat', 'l.schmidt'] as const;

/** How many demo students there are: 3 groups of 10. */
export const DEMO_STUDENT_COUNT = 30;

/** The demo student number n (0-based): 20260001 … 20260030. */
export const demoStudentNumber = (n: number) => `2026${String(n + 1).padStart(4, '0')}`;

/** The username of demo student n: the first is the printed s.novak, the others s.<student number>. */
export const demoStudentUsername = (n: number) => (n === 0 ? 's.novak' : `s.${demoStudentNumber(n)}`);

/**
 * Every username the demo department creates (34), each given a published password: the only
 * accounts production start and `fms doctor` need to test against those passwords.
 */
export function demoUsernames(): string[] {
  return ['admin', ...demoLecturerUsernames, ...Array.from({ length: DEMO_STUDENT_COUNT }, (_, n) => demoStudentUsername(n))];
}
