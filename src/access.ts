// The access policy: who may do what. Deny by default. Every route and service asks here; a record
// the actor may not see is a 404 (see scopes), an action it may not take is a 403 (authorize).
import { Forbidden } from './lib/errors.js';
import type { Role } from './db/schema.js';

export interface Actor {
  readonly userId: number;
  readonly username: string;
  readonly role: Role;
  /** An admin, or a lecturer with the admin flag. */
  readonly isAdmin: boolean;
  readonly studentId: number | null;
  readonly lecturerId: number | null;
  readonly displayName: string;
}

export const actions = [
  'dashboard.view',
  'profile.changePassword',
  'profile.manageSessions',
  'profile.manageTokens',
  'api.use',
  'accounts.list',
  'accounts.create',
  'accounts.resetPassword',
  'accounts.disable',
  'audit.view',
  'groups.view',
  'groups.chooseAny',
  'groups.manage',
  'students.view',
  'students.manage',
  'lecturers.manage',
  'imports.run',
  'records.viewOwn',
  'subjects.view',
  'subjects.manage',
  'subjects.teach',
  'submissions.grade',
  'submissions.submit',
  'news.read',
  'news.publish',
  'theses.search',
  'theses.record',
  'theses.propose',
  'assistant.ask',
] as const;
export type Action = (typeof actions)[number];

type Rule = (actor: Actor) => boolean;

const anyone: Rule = () => true;
const admin: Rule = (a) => a.isAdmin;
const lecturer: Rule = (a) => a.role === 'lecturer' && a.lecturerId !== null;
const student: Rule = (a) => a.role === 'student' && a.studentId !== null;

const rules: Record<Action, Rule> = {
  'dashboard.view': anyone,
  'profile.changePassword': anyone,
  'profile.manageSessions': anyone,
  'profile.manageTokens': anyone,
  'api.use': anyone,
  'accounts.list': admin,
  'accounts.create': admin,
  'accounts.resetPassword': admin,
  'accounts.disable': admin,
  'audit.view': admin,
  'groups.view': (a) => admin(a) || lecturer(a),
  // Every group's name, for the forms and imports that place people in groups.
  'groups.chooseAny': admin,
  'groups.manage': admin,
  'students.view': (a) => admin(a) || lecturer(a),
  'students.manage': admin,
  'lecturers.manage': admin,
  'imports.run': admin,
  // A student's own record, or a lecturer's (admins find theirs in the lists).
  'records.viewOwn': (a) => student(a) || lecturer(a),
  'subjects.view': (a) => admin(a) || lecturer(a) || student(a),
  'subjects.manage': admin,
  'subjects.teach': lecturer,
  // Lecturers judge the entries of the groups they teach (mayJudgeSubmission); admins any.
  'submissions.grade': (a) => admin(a) || lecturer(a),
  'submissions.submit': student,
  // Everyone signed in reads news (which articles: newsScope); visitors read the public ones.
  'news.read': anyone,
  'news.publish': (a) => admin(a) || lecturer(a),
  // "Find similar theses" answers titles and scores, never whose they are: everyone signed in.
  'theses.search': anyone,
  // Admins record any student's thesis, lecturers those of the students they may see (studentScope).
  'theses.record': (a) => admin(a) || lecturer(a),
  'theses.propose': student,
  // The assistant answers from what the asker may see anyway (assistant/answers.ts): everyone signed in.
  'assistant.ask': anyone,
};

/**
 * Whose theses the actor sees listed with their students: an admin every one, a lecturer those they
 * supervise and those of the students they may see, a student their own.
 */
export type ThesisScope = { kind: 'all' } | { kind: 'lecturer'; lecturerId: number } | { kind: 'own'; studentId: number } | { kind: 'none' };

export function thesisScope(actor: Actor): ThesisScope {
  if (actor.isAdmin) return { kind: 'all' };
  if (actor.role === 'lecturer' && actor.lecturerId !== null) return { kind: 'lecturer', lecturerId: actor.lecturerId };
  if (actor.role === 'student' && actor.studentId !== null) return { kind: 'own', studentId: actor.studentId };
  return { kind: 'none' };
}

/** Whether the actor may take the action. No actor, or an action without a rule, is refused. */
export function can(actor: Actor | null | undefined, action: Action): boolean {
  if (!actor) return false;
  const rule = Object.hasOwn(rules, action) ? rules[action] : undefined;
  return rule ? rule(actor) : false;
}

/** Throws Forbidden (403) unless the actor may take the action. */
export function authorize(actor: Actor | null | undefined, action: Action): asserts actor is Actor {
  if (!can(actor, action)) throw new Forbidden();
}

/** Which user accounts the actor may see: admins all, everyone else only their own. */
export function visibleUserIds(actor: Actor): 'all' | readonly number[] {
  return actor.isAdmin ? 'all' : [actor.userId];
}

/**
 * Which student records the actor may see. Admins: all. Lecturers: the students of the groups they
 * teach. Students: their own record. Anyone else: none. Repositories turn this into a WHERE clause,
 * so a record outside the scope is simply not found (404).
 */
export type StudentScope =
  | { kind: 'all' }
  | { kind: 'taughtBy'; lecturerId: number }
  | { kind: 'self'; studentId: number }
  | { kind: 'none' };

export function studentScope(actor: Actor): StudentScope {
  if (actor.isAdmin) return { kind: 'all' };
  if (actor.role === 'lecturer' && actor.lecturerId !== null) return { kind: 'taughtBy', lecturerId: actor.lecturerId };
  if (actor.role === 'student' && actor.studentId !== null) return { kind: 'self', studentId: actor.studentId };
  return { kind: 'none' };
}

/**
 * How much of a student record the actor sees. A lecturer gets what teaching needs (names, student
 * number, group, e-mail, photo); birth date, phone and home address stay with the admins and the
 * student.
 */
export function studentDetail(actor: Actor, studentId: number): 'full' | 'teaching' {
  if (actor.isAdmin) return 'full';
  if (actor.role === 'student' && actor.studentId === studentId) return 'full';
  return 'teaching';
}

/** Whether the record is the actor's own student record (pages then speak to them as "you"). */
export function ownsStudentRecord(actor: Actor, studentId: number): boolean {
  return actor.role === 'student' && actor.studentId === studentId;
}

/**
 * Which fields a search of students may match: all of them for the admins and a student's own
 * record; for a lecturer only those shown to them, so guesses cannot reveal a hidden phone number.
 */
export function studentSearchFields(scope: StudentScope): 'full' | 'teaching' {
  return scope.kind === 'all' || scope.kind === 'self' ? 'full' : 'teaching';
}

/** Which lecturer records the actor may see: admins all, a lecturer their own, others none. */
export type LecturerScope = { kind: 'all' } | { kind: 'self'; lecturerId: number } | { kind: 'none' };

export function lecturerScope(actor: Actor): LecturerScope {
  if (actor.isAdmin) return { kind: 'all' };
  if (actor.role === 'lecturer' && actor.lecturerId !== null) return { kind: 'self', lecturerId: actor.lecturerId };
  return { kind: 'none' };
}

/** Which groups the actor may see: admins all, lecturers those they teach, students their own. */
export type GroupScope = { kind: 'all' } | { kind: 'taughtBy'; lecturerId: number } | { kind: 'memberOf'; studentId: number } | { kind: 'none' };

export function groupScope(actor: Actor): GroupScope {
  if (actor.isAdmin) return { kind: 'all' };
  if (actor.role === 'lecturer' && actor.lecturerId !== null) return { kind: 'taughtBy', lecturerId: actor.lecturerId };
  if (actor.role === 'student' && actor.studentId !== null) return { kind: 'memberOf', studentId: actor.studentId };
  return { kind: 'none' };
}

/**
 * Which subjects the actor may see: admins all; lecturers those they teach (a teaching row names
 * them); students those their group takes (subject_groups). A subject outside the scope is not
 * found (404), and so are its materials.
 */
export type SubjectScope = { kind: 'all' } | { kind: 'taughtBy'; lecturerId: number } | { kind: 'takenBy'; studentId: number } | { kind: 'none' };

export function subjectScope(actor: Actor): SubjectScope {
  if (actor.isAdmin) return { kind: 'all' };
  if (actor.role === 'lecturer' && actor.lecturerId !== null) return { kind: 'taughtBy', lecturerId: actor.lecturerId };
  if (actor.role === 'student' && actor.studentId !== null) return { kind: 'takenBy', studentId: actor.studentId };
  return { kind: 'none' };
}

/**
 * Which exercises the actor may see: admins all; lecturers those of the subjects they teach;
 * students those set for their group (exercise_groups). Outside the scope: 404.
 */
export type ExerciseScope = { kind: 'all' } | { kind: 'taughtBy'; lecturerId: number } | { kind: 'setFor'; studentId: number } | { kind: 'none' };

export function exerciseScope(actor: Actor): ExerciseScope {
  if (actor.isAdmin) return { kind: 'all' };
  if (actor.role === 'lecturer' && actor.lecturerId !== null) return { kind: 'taughtBy', lecturerId: actor.lecturerId };
  if (actor.role === 'student' && actor.studentId !== null) return { kind: 'setFor', studentId: actor.studentId };
  return { kind: 'none' };
}

/**
 * Who may change a subject they can see: its description and materials are the admins' and its
 * lecturers'; its name, groups, lecturers and archiving are the admins' alone (subjects.manage).
 * `teaches`: whether the actor teaches the subject (the caller has read its teaching).
 */
export function mayTeachSubject(actor: Actor, teaches: boolean): boolean {
  return can(actor, 'subjects.manage') || (can(actor, 'subjects.teach') && teaches);
}

/**
 * The groups of a subject whose work the actor handles: all of them for an admin, those a lecturer
 * teaches it to (teaching rows), none for anyone else. Exercises are set for them, and their
 * gradebooks opened.
 */
export function groupsTaughtBy<G extends { id: number }>(actor: Actor | null, subject: { groups: readonly G[]; teaching: readonly { groupId: number; lecturerId: number }[] }): G[] {
  if (!actor) return [];
  if (actor.isAdmin) return [...subject.groups];
  if (actor.role !== 'lecturer' || actor.lecturerId === null) return [];
  const taught = new Set(subject.teaching.filter((t) => t.lecturerId === actor.lecturerId).map((t) => t.groupId));
  return subject.groups.filter((g) => taught.has(g.id));
}

/**
 * Whose Waiting Room the actor sees: a lecturer their own queue (a lecturer who is also an admin
 * too: the entries they teach come first in their day), an admin without a lecturer record every
 * entry of the department, anyone else none.
 */
export type WaitingRoomScope = { kind: 'all' } | { kind: 'taughtBy'; lecturerId: number } | { kind: 'none' };

export function waitingRoomScope(actor: Actor): WaitingRoomScope {
  if (actor.role === 'lecturer' && actor.lecturerId !== null) return { kind: 'taughtBy', lecturerId: actor.lecturerId };
  if (actor.isAdmin) return { kind: 'all' };
  return { kind: 'none' };
}

/**
 * Who may score or remove an entry of the Waiting Room, and open what was sent with it: an admin,
 * or a lecturer who teaches the exercise's subject to the student's group. `teaches`: whether the
 * actor does (the caller has read the teaching).
 */
export function mayJudgeSubmission(actor: Actor, teaches: boolean): boolean {
  return actor.isAdmin || (can(actor, 'submissions.grade') && teaches);
}

/**
 * Which news the actor may read. Visitors (nobody signed in): public articles. Everyone signed in
 * also reads the "everyone" ones; students the "students" ones and those for their group; lecturers
 * the "lecturers" ones, those for the groups they teach, and their own; admins all.
 */
export type NewsScope =
  | { kind: 'all' }
  | { kind: 'lecturer'; lecturerId: number; userId: number }
  | { kind: 'student'; studentId: number }
  | { kind: 'signedIn' }
  | { kind: 'public' };

export function newsScope(actor: Actor | null): NewsScope {
  if (!actor) return { kind: 'public' };
  if (actor.isAdmin) return { kind: 'all' };
  if (actor.role === 'lecturer' && actor.lecturerId !== null) return { kind: 'lecturer', lecturerId: actor.lecturerId, userId: actor.userId };
  if (actor.role === 'student' && actor.studentId !== null) return { kind: 'student', studentId: actor.studentId };
  return { kind: 'signedIn' };
}

/**
 * To whom the actor may publish news: an admin to any audience; a lecturer only to chosen groups,
 * and of those only groups they teach (the news service checks the groups); anyone else to none.
 */
export function newsAudiencesFor(actor: Actor): 'any' | 'groups only' | 'none' {
  if (actor.isAdmin) return 'any';
  return can(actor, 'news.publish') ? 'groups only' : 'none';
}

/**
 * Who may change or delete an article they can see: an admin, or the lecturer who wrote it (a
 * lecturer publishes only to groups they teach, see news/service.ts).
 */
export function mayEditNews(actor: Actor, article: { authorId: number | null }): boolean {
  return actor.isAdmin || (can(actor, 'news.publish') && article.authorId === actor.userId);
}

/**
 * An admin resets other people's passwords; their own they change under Account › Change password
 * (a reset would sign them out at once, on a one-time password they have only just seen).
 */
export function mayResetPassword(actor: Actor, targetUserId: number): boolean {
  return can(actor, 'accounts.resetPassword') && actor.userId !== targetUserId;
}

/** An admin may not disable or demote the account they are signed in with (no lock-out by mistake). */
export function mayDisableAccount(actor: Actor, targetUserId: number): boolean {
  return can(actor, 'accounts.disable') && actor.userId !== targetUserId;
}

/**
 * The operator at the command line (`fms user …`): someone with shell access to the server, who may
 * do what an admin may. userId 0 matches no account; the audit trail records it as "system".
 */
export const systemActor: Actor = Object.freeze({
  userId: 0,
  username: 'system',
  role: 'admin',
  isAdmin: true,
  studentId: null,
  lecturerId: null,
  displayName: 'System (command line)',
});
