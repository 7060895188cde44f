// Table types as the application sees them (camelCase; the compiler prints them snake_case, column-names.ts).
// Migrations own the truth; keep this file in step with them.
import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely';

type Id = Generated<number>;
/** A timestamp: a Date in and out on both engines (codecs.ts turns SQLite's text into Dates). */
type Timestamp = ColumnType<Date, Date, Date>;
type NullableTimestamp = ColumnType<Date | null, Date | null | undefined, Date | null>;
type Flag = ColumnType<boolean, boolean | undefined, boolean>;

export type Role = 'admin' | 'lecturer' | 'student';

export interface UsersTable {
  id: Id;
  username: string;
  passwordHash: string;
  role: Role;
  /** A lecturer who also administers the department. Always true for role admin. */
  isAdmin: Flag;
  studentId: number | null;
  lecturerId: number | null;
  displayName: string;
  /** Failed password checks of the account as a whole since firstFailedLoginAt (see auth/lockout.ts). */
  failedLogins: ColumnType<number, number | undefined, number>;
  firstFailedLoginAt: NullableTimestamp;
  lockedUntil: NullableTimestamp;
  mustChangePassword: Flag;
  disabled: Flag;
  lastLoginAt: NullableTimestamp;
  passwordChangedAt: Timestamp;
  createdAt: Timestamp;
  updatedAt: Timestamp;
}

export interface GroupsTable {
  id: Id;
  name: string;
  /**
   * The folded key unique names are compared by (lib/text-rules uniqueNameKey), under a unique
   * index; null for an old look-alike of another group's name (migration 0004).
   */
  nameKey: ColumnType<string | null, string | null | undefined, string | null>;
  description: string;
  archived: Flag;
  createdAt: Timestamp;
  updatedAt: Timestamp;
}

interface PersonColumns {
  id: Id;
  firstName: string;
  lastName: string;
  patronymic: string;
  email: string | null;
  phone: string | null;
  address: string | null;
  photoFileId: number | null;
  photoThumbnailFileId: ColumnType<number | null, number | null | undefined, number | null>;
  /** Lower-cased, accent-free copy of the searchable fields, written by the service. */
  searchText: ColumnType<string, string | undefined, string>;
  /** Folded surname and first name: the lists' name order (lib/people sortNameOf). */
  sortName: ColumnType<string, string | undefined, string>;
  archived: Flag;
  createdAt: Timestamp;
  updatedAt: Timestamp;
}

export interface StudentsTable extends PersonColumns {
  /** The search text without private contact data, for lecturers' searches. */
  teachingSearchText: ColumnType<string, string | undefined, string>;
  studentNumber: string;
  groupId: number | null;
  /** YYYY-MM-DD: a calendar date, not an instant. */
  birthDate: string | null;
}

export interface LecturersTable extends PersonColumns {
  academicDegree: string;
  position: string;
  isAdmin: Flag;
}

export interface FilesTable {
  id: Id;
  storageKey: string;
  originalName: string;
  contentType: string;
  size: number;
  sha256: string;
  uploadedBy: number | null;
  createdAt: Timestamp;
}

export interface SubjectsTable {
  id: Id;
  name: string;
  /** The name as compared for uniqueness (lib/text-rules uniqueNameKey, migration 0006). */
  nameKey: ColumnType<string | null, string | null | undefined, string | null>;
  description: string;
  archived: Flag;
  createdAt: Timestamp;
  updatedAt: Timestamp;
}

export interface SubjectGroupsTable {
  subjectId: number;
  groupId: number;
}

export interface TeachingTable {
  id: Id;
  subjectId: number;
  lecturerId: number;
  groupId: number;
}

export interface SubjectMaterialsTable {
  id: Id;
  subjectId: number;
  fileId: number;
  title: string;
  createdBy: number | null;
  createdAt: Timestamp;
  /** When its file was last replaced (null: never). */
  updatedAt: NullableTimestamp;
}

export interface ExercisesTable {
  id: Id;
  subjectId: number;
  title: string;
  text: string;
  dueAt: NullableTimestamp;
  attachmentFileId: number | null;
  createdBy: number | null;
  createdAt: Timestamp;
  updatedAt: Timestamp;
  /** When students see their scores: as each is given, or once the lecturer releases them (migration 0007). */
  scoreRelease: ColumnType<ScoreRelease, ScoreRelease | undefined, ScoreRelease>;
  /** When the lecturer released the scores of a 'manual' exercise; null: not yet. */
  scoresReleasedAt: NullableTimestamp;
}

export type ScoreRelease = 'on-scoring' | 'manual';

export interface ExerciseGroupsTable {
  exerciseId: number;
  groupId: number;
}

export type SubmissionStatus = 'waiting' | 'graded' | 'dismissed';

export interface SubmissionsTable {
  id: Id;
  exerciseId: number;
  studentId: number;
  note: string;
  attachmentFileId: number | null;
  submittedAt: Timestamp;
  late: Flag;
  status: SubmissionStatus;
  /** 1–6, as the department has always scored. */
  score: number | null;
  gradedBy: number | null;
  gradedAt: NullableTimestamp;
  version: ColumnType<number, number | undefined, number>;
  /** Why a lecturer removed the entry from the Waiting Room (status dismissed). */
  dismissReason: string | null;
  /** When the student last replaced it, or it was scored or removed. */
  updatedAt: NullableTimestamp;
}

export interface NewsTable {
  id: Id;
  category: string;
  title: string;
  body: string;
  coverFileId: number | null;
  coverThumbnailFileId: number | null;
  audioFileId: number | null;
  audience: string;
  authorId: number | null;
  publishedAt: NullableTimestamp;
  createdAt: Timestamp;
  updatedAt: NullableTimestamp;
  /** The body's first words as plain text, for lists (written with the body). */
  summary: Generated<string>;
}

export interface NewsGroupsTable {
  newsId: number;
  groupId: number;
}

export type ThesisStatus = 'proposed' | 'recorded';

/** One thesis a student (migration 0012): proposed by the student, or recorded by an admin or a lecturer. */
export interface ThesesTable {
  id: Id;
  studentId: number;
  title: string;
  supervisorId: number | null;
  year: number | null;
  status: ColumnType<ThesisStatus, ThesisStatus | undefined, ThesisStatus>;
  createdAt: Timestamp;
  updatedAt: NullableTimestamp;
}

export interface AuditLogTable {
  id: Id;
  actorId: number | null;
  action: string;
  entity: string;
  entityId: string | null;
  before: string | null;
  after: string | null;
  at: Timestamp;
  ip: string | null;
}

export type ImportKind = 'students' | 'lecturers' | 'subjects';

export interface ImportsTable {
  id: Id;
  kind: ImportKind;
  status: 'dry_run' | 'applied';
  fileId: number | null;
  originalName: string;
  planHash: string | null;
  summary: string | null;
  credentials: string | null;
  createdBy: number | null;
  createdAt: Timestamp;
  appliedAt: NullableTimestamp;
}

export interface SessionsTable {
  /** sha256 of the random session id; the id itself lives only in the user's cookie. */
  idHash: string;
  userId: number;
  createdAt: Timestamp;
  lastSeenAt: Timestamp;
  expiresAt: Timestamp;
  ip: string | null;
  userAgent: string | null;
}

export interface ApiTokensTable {
  id: Id;
  userId: number;
  name: string;
  /** sha256 of the token; the token is shown once and never stored. */
  tokenHash: string;
  /** The first characters of the token, so its owner can tell tokens apart. */
  prefix: string;
  createdAt: Timestamp;
  lastUsedAt: NullableTimestamp;
  expiresAt: NullableTimestamp;
  revokedAt: NullableTimestamp;
}

/** A student's private calendar feed: at most one per account (migration 0008). */
export interface CalendarFeedsTable {
  id: Id;
  userId: number;
  /** sha256 of the secret in the feed's address; the address is shown once and never stored. */
  secretHash: string;
  createdAt: Timestamp;
  /** When a calendar app last fetched the feed (written at most once an hour). */
  lastUsedAt: NullableTimestamp;
}

/** Failed password checks of one account from one client (an address, or an IPv6 /64). */
export interface SignInFailuresTable {
  userId: number;
  client: string;
  failures: number;
  firstFailedAt: Timestamp;
  lockedUntil: NullableTimestamp;
}

export interface SettingsTable {
  key: string;
  value: string;
  updatedAt: Timestamp;
}

/**
 * Figures kept by triggers (migration 0005, ADR 0015): `students.active`, `students.archived`,
 * `lecturers.…`, `groups.…`, `users.enabled`, `users.disabled`, `subjects.all`. Derived data:
 * backups and copies leave it out, and the triggers count the rows again as they are loaded.
 */
export interface RecordCountsTable {
  counted: string;
  /** bigint: PostgreSQL hands it over as text. */
  n: ColumnType<number | string, number, number>;
}

/**
 * Sign-ins and hand-ins per hour (UTC), kept by triggers (migration 0011, ADR 0019) for the admin
 * dashboard's charts. Derived data, like record_counts.
 */
export interface ActivityHoursTable {
  activity: 'sign_in' | 'hand_in';
  /** Hours since 1970-01-01T00:00Z. */
  hour: number;
  /** bigint: PostgreSQL hands it over as text. */
  n: ColumnType<number | string, number, number>;
}

export interface Database {
  users: UsersTable;
  groups: GroupsTable;
  students: StudentsTable;
  lecturers: LecturersTable;
  files: FilesTable;
  subjects: SubjectsTable;
  subjectGroups: SubjectGroupsTable;
  teaching: TeachingTable;
  subjectMaterials: SubjectMaterialsTable;
  exercises: ExercisesTable;
  exerciseGroups: ExerciseGroupsTable;
  submissions: SubmissionsTable;
  news: NewsTable;
  newsGroups: NewsGroupsTable;
  theses: ThesesTable;
  auditLog: AuditLogTable;
  imports: ImportsTable;
  sessions: SessionsTable;
  apiTokens: ApiTokensTable;
  calendarFeeds: CalendarFeedsTable;
  signInFailures: SignInFailuresTable;
  settings: SettingsTable;
  recordCounts: RecordCountsTable;
  activityHours: ActivityHoursTable;
}

export type User = Selectable<UsersTable>;
export type NewUser = Insertable<UsersTable>;
export type UserUpdate = Updateable<UsersTable>;
export type Session = Selectable<SessionsTable>;
export type ApiToken = Selectable<ApiTokensTable>;
export type Group = Selectable<GroupsTable>;
export type Student = Selectable<StudentsTable>;
export type Lecturer = Selectable<LecturersTable>;
export type Subject = Selectable<SubjectsTable>;
export type Import = Selectable<ImportsTable>;
