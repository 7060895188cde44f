// The API's shared shapes as TypeBox (JSON Schema): they describe the routes in the OpenAPI document
// and shape the JSON the routes send. Inputs are validated by each feature's service with its own
// schema (lib/validation.ts), the same rules and messages as the pages.
import Type, { type TSchema } from 'typebox';
import { outputProperties } from '../../lib/record-fields.js';
import { roles } from '../accounts/schemas.js';
import { CreateGroupInput, GroupOutput, UpdateGroupInput } from '../groups/schemas.js';
import { CreateSubjectInput, SubjectOutput, UpdateSubjectInput } from '../subjects/schemas.js';
import { CreateExerciseInput, DismissInput, ScoreInput, UpdateExerciseInput } from '../exercises/schemas.js';
import { exerciseFields } from '../exercises/fields.js';
import { materialFields } from '../subjects/material-fields.js';
import { ImportReportOutput } from '../imports/schemas.js';
import { CreateNewsInput, NewsOutput, UpdateNewsInput } from '../news/schemas.js';
import { RecordThesisInput, SimilarThesesOutput, ThesisOutput } from '../theses/schemas.js';
import { AssistantAnswerOutput, AssistantQuestion } from '../assistant/schemas.js';
import { CreateLecturerInput, LecturerOutput, lecturerSorts, UpdateLecturerInput } from '../lecturers/schemas.js';
import { CreateStudentInput, StudentOutput, studentSorts, UpdateStudentInput } from '../students/schemas.js';

/** Every error the API answers: the error handler's JSON body (plugins/error-handler.ts). */
export const ErrorResponse = Type.Object(
  {
    error: Type.Object({
      code: Type.String({
        description:
          'What went wrong, for programs: `invalid` (422), `not_found` (404), `forbidden` (403), `conflict` (409), `unauthenticated` or `invalid_token` (401), `rate_limited` (429), `password_change_required` (403), `bad_request`, `unavailable` or `maintenance` (503), `internal` (500).',
        examples: ['invalid'],
      }),
      message: Type.String({ description: 'What went wrong, for people.', examples: ['Check the fields lastName and groupId.'] }),
      fields: Type.Object(
        {},
        {
          additionalProperties: Type.String(),
          description: 'One message per input field that needs fixing (with `invalid`, sometimes `conflict`); empty when no field is to blame.',
          examples: [{ lastName: 'Enter the last name.' }],
        },
      ),
      errorId: Type.Optional(Type.String({ description: 'With a 5xx: quote it to the operators; the server log has the details under this id.' })),
    }),
  },
  { $id: 'Error', description: 'Every error answer of the API.' },
);

export const Me = Type.Object(
  {
    id: Type.Integer({ description: "The account's id." }),
    username: Type.String(),
    displayName: Type.String(),
    role: Type.Union([Type.Literal(roles[0]), Type.Literal(roles[1]), Type.Literal(roles[2])]),
    isAdmin: Type.Boolean({ description: 'An admin, or a lecturer with the admin flag: may manage everything.' }),
    studentId: Type.Union([Type.Integer(), Type.Null()], { description: 'The student record this account belongs to, if any.' }),
    lecturerId: Type.Union([Type.Integer(), Type.Null()], { description: 'The lecturer record this account belongs to, if any.' }),
  },
  { $id: 'Me', description: 'The account the token (or session) acts as.' },
);

/** A reference to a shared schema; the OpenAPI document lists it under components.schemas. */
export function ref(id: string): TSchema {
  return Type.Unsafe({ $ref: `${id}#` });
}

/** A page of a list: the items and the cursor of the next page (null on the last page). */
export function pageOf(id: string) {
  return Type.Object({
    items: Type.Array(ref(id)),
    nextCursor: Type.Union([Type.String(), Type.Null()], {
      description: 'Pass it as `cursor` to get the next page with the same filters; null on the last page.',
    }),
  });
}

export const IdParams = Type.Object({ id: Type.Integer({ minimum: 1, description: "The record's id." }) });

/** The errors any API route may answer, described once by reference. */
export const errorResponses = {
  401: { ...ref('Error'), description: 'No token, or a token that is malformed, revoked, expired or belongs to a disabled account.' },
  429: { ...ref('Error'), description: "Over this token's budget of requests (API_RATELIMIT; see the description above and the `RateLimit-*` headers)." },
  '4xx': { ...ref('Error'), description: 'Any other client error (see `error.code`).' },
  '5xx': { ...ref('Error'), description: 'A server error; `error.errorId` names it in the server log.' },
} as const;

/** A feature's schema under a name of the API's (its $id, and its name in components.schemas). */
function named(schema: TSchema, $id: string, description: string): TSchema {
  return { ...schema, $id, description } as TSchema;
}

export const NewAccount = Type.Object(
  {
    username: Type.String({ description: 'The sign-in name: the one given, or one generated from the name (s.novak, s.novak2 …).' }),
    oneTimePassword: Type.String({ description: 'Shown only in this answer; the person must choose their own password at the first sign-in.' }),
  },
  { $id: 'NewAccount', description: 'The sign-in account made with the record.' },
);

const withAccount = (output: { properties: Record<string, TSchema> }, $id: string, description: string) =>
  Type.Object({ ...output.properties, account: ref('NewAccount') }, { $id, description });

const groupSchemas = [
  named(GroupOutput, 'Group', 'A group of students.'),
  named(CreateGroupInput, 'GroupInput', 'A new group.'),
  named(UpdateGroupInput, 'GroupChanges', 'The fields to change; the others stay as they are.'),
];

const subjectSchemas = [
  named(SubjectOutput, 'Subject', 'A subject, with the groups that take it and who teaches it to which group. `description` is Markdown.'),
  named(
    CreateSubjectInput,
    'SubjectInput',
    'A new subject. `groupIds`: the groups that take it; `lecturerIds`: the lecturers who teach it, each to every group given (lecturers need groups).',
  ),
  named(
    UpdateSubjectInput,
    'SubjectChanges',
    "The fields to change; the others stay as they are. A subject's lecturers may change only `description`. Given `groupIds` or `lecturerIds` replace the lists: a lecturer or group already there keeps its teaching, a new one teaches (or is taught by) every one listed.",
  ),
];

const MaterialOutput = Type.Object(
  {
    id: Type.Integer(),
    subjectId: Type.Integer(),
    ...outputProperties(materialFields),
    originalName: Type.String({ description: 'The name it was uploaded under (no path).' }),
    contentType: Type.String({ description: "The uploader's claim, as a type/subtype; downloads of active types (HTML, SVG, …) are sent as attachments." }),
    size: Type.Integer({ description: 'Bytes.' }),
    sha256: Type.String({ description: 'Lowercase hex SHA-256 of the stored bytes; also the ETag of the download.' }),
    createdAt: Type.String({ format: 'date-time' }),
    updatedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()], { description: 'When the file was last replaced; null if never.' }),
    fileUrl: Type.String({ description: 'Where to download it.' }),
  },
  { $id: 'Material', description: "A subject's learning material: a file." },
);

const ExerciseOutput = Type.Object(
  {
    id: Type.Integer(),
    subjectId: Type.Integer(),
    subjectName: Type.String(),
    ...outputProperties(exerciseFields),
    scoresReleasedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
    groups: Type.Array(Type.Object({ id: Type.Integer(), name: Type.String() })),
    createdAt: Type.String({ format: 'date-time' }),
    updatedAt: Type.String({ format: 'date-time' }),
  },
  { $id: 'Exercise', description: "An exercise set for some of a subject's groups." },
);

const newsSchemas = [
  named(NewsOutput, 'News', 'A news article. `body` is Markdown; `audience` says who reads it (`groups`: the students of `groups` and the lecturers who teach them).'),
  named(Type.Omit(NewsOutput, ['body']), 'NewsItem', 'A news article in a list: everything but its body (GET /news/{id} has it).'),
  named(
    CreateNewsInput,
    'NewsInput',
    'A new article, published at once. Admins: any `audience`; lecturers: `groups` only, with some of the groups they teach in `groupIds`. `groupIds` is needed (and read) only for the audience `groups`.',
  ),
  named(UpdateNewsInput, 'NewsChanges', 'The fields to change; the others stay as they are. Given `groupIds` replace the list.'),
];

const thesisSchemas = [
  named(ThesisOutput, 'Thesis', "A student's thesis: its title, supervisor and year, proposed by the student or recorded by an admin or a lecturer."),
  named(RecordThesisInput, 'ThesisInput', "A student's thesis as an admin or a lecturer records it."),
  named(SimilarThesesOutput, 'SimilarTheses', 'Existing thesis titles like the one asked about, best first, with their cosine similarity (0 to 1).'),
];

const assistantSchemas = [
  named(AssistantQuestion, 'AssistantQuestion', 'A question for the assistant, in English: about deadlines, scores, subjects and their files, the Waiting Room, news, theses, or how to do something in FMS.'),
  named(AssistantAnswerOutput, 'AssistantAnswer', "The assistant's answer and the pages it comes from."),
];

const exerciseSchemas = [
  ExerciseOutput,
  named(CreateExerciseInput, 'ExerciseInput', 'A new exercise.'),
  named(UpdateExerciseInput, 'ExerciseChanges', 'The fields to change; the others stay as they are.'),
  named(ScoreInput, 'Score', 'A score from 1 to 6, and the version of the entry as the Waiting Room showed it.'),
  named(DismissInput, 'Dismissal', 'Why the entry is removed (the student sees it), and optionally the version it was removed at.'),
  Type.Object(
    {
      exercise: ref('Exercise'),
      state: Type.Union([Type.Literal('open'), Type.Literal('due soon'), Type.Literal('overdue'), Type.Literal('waiting'), Type.Literal('scored')]),
      submission: Type.Union([Type.Object({}, { additionalProperties: true }), Type.Null()], { description: 'What the student sent: status, late, submittedAt, note, version, dismissReason, hasFile.' }),
      score: Type.Union([Type.Integer({ minimum: 1, maximum: 6 }), Type.Null()], { description: 'Once released.' }),
      hasBrief: Type.Boolean({ description: 'Whether the exercise has a brief: GET /exercises/{id}/brief downloads it.' }),
    },
    { $id: 'MyExercise', description: "An exercise as the signed-in student stands with it." },
  ),
  Type.Object(
    {
      exerciseId: Type.Integer(),
      originalName: Type.String({ description: 'The name it was uploaded under (no path).' }),
      contentType: Type.String({ description: "The uploader's claim, as a type/subtype; downloads of active types (HTML, SVG, …) are sent as attachments." }),
      size: Type.Integer({ description: 'Bytes.' }),
      sha256: Type.String({ description: 'Lowercase hex SHA-256 of the stored bytes; also the ETag of the download.' }),
      createdAt: Type.String({ format: 'date-time', description: 'When this file was attached.' }),
      fileUrl: Type.String({ description: 'Where to download it.' }),
    },
    { $id: 'Brief', description: "An exercise's brief: the one file attached to it for its students." },
  ),
];

const average = (of: string) => Type.Union([Type.Number(), Type.Null()], { description: `The average of ${of}, rounded to two decimals; null while there is none.` });

const GradebookOutput = Type.Object(
  {
    subject: Type.Object({ id: Type.Integer(), name: Type.String(), archived: Type.Boolean() }),
    groups: Type.Array(Type.Object({ id: Type.Integer(), name: Type.String() }), { description: "The subject's groups whose gradebook this token may open, by name: pass one as `group`." }),
    group: Type.Union([Type.Object({ id: Type.Integer(), name: Type.String() }), Type.Null()], { description: 'The group shown; null when the subject has no group yet.' }),
    exercises: Type.Array(
      Type.Object({
        id: Type.Integer(),
        title: Type.String(),
        dueAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
        released: Type.Boolean({ description: 'Whether the students see their scores on it yet.' }),
        average: average('its scores in the group'),
      }),
      { description: "The columns: the subject's exercises set for the group, by due time (those without one last)." },
    ),
    rows: Type.Array(
      Type.Object({
        student: Type.Object({ id: Type.Integer(), studentNumber: Type.String(), name: Type.String({ description: 'Last, first and middle name.' }) }),
        cells: Type.Array(
          Type.Object({
            state: Type.Union([Type.Literal('scored'), Type.Literal('waiting'), Type.Literal('removed'), Type.Literal('not sent'), Type.Literal('overdue')], {
              description: 'scored; waiting in the Waiting Room; removed by the lecturer (the student may send it again); not sent (due time ahead or none); overdue (not sent, due time passed).',
            }),
            score: Type.Union([Type.Integer({ minimum: 1, maximum: 6 }), Type.Null()], { description: 'The score when scored, released or not.' }),
            late: Type.Boolean({ description: 'Sent after the due time (scored or waiting).' }),
          }),
          { description: 'One per exercise, in the order of `exercises`.' },
        ),
        average: average("the student's scores in this table"),
      }),
      { description: "The group's active students, by name." },
    ),
    average: average('every score in the table'),
  },
  { $id: 'Gradebook', description: "A subject's gradebook for one group: its students × the exercises set for it. Every given score counts, released to the students or not." },
);

const studentSchemas = [
  named(
    StudentOutput,
    'Student',
    'A student. `birthDate`, `phone` and `address` are private: only admins and the student themself receive them; lecturers see what teaching needs.',
  ),
  named(CreateStudentInput, 'StudentInput', 'A new student. `birthDate` is YYYY-MM-DD; `username` is generated from the name when omitted.'),
  named(UpdateStudentInput, 'StudentChanges', 'The fields to change; the others stay as they are. Send null or "" to clear an optional field.'),
  withAccount(StudentOutput, 'StudentCreated', 'The new student, with the sign-in account made for them.'),
];

const lecturerSchemas = [
  named(LecturerOutput, 'Lecturer', 'A lecturer, with the groups they teach.'),
  named(CreateLecturerInput, 'LecturerInput', 'A new lecturer. `username` is generated from the name when omitted; `isAdmin` lets them manage everything.'),
  named(UpdateLecturerInput, 'LecturerChanges', 'The fields to change; the others stay as they are. Send null or "" to clear an optional field.'),
  withAccount(LecturerOutput, 'LecturerCreated', 'The new lecturer, with the sign-in account made for them.'),
];

// ---- list parameters (the services validate them; these describe them) ----------------------------

const listParameters = (pageSize: number, searches: string) => ({
  q: Type.String({ maxLength: 100, description: `Search text: ${searches}` }),
  archived: Type.Boolean({ description: 'true: list the archived records instead of the active ones. Default false.' }),
  limit: Type.Integer({ minimum: 1, maximum: 500, description: `Items per page, 1–500. Default ${pageSize}.` }),
  cursor: Type.String({ maxLength: 1024, description: 'The `nextCursor` of the previous page, unchanged; omit for the first page. Keep the other parameters the same.' }),
});

export const GroupsQuery = Type.Partial(Type.Object({ ...listParameters(100, 'part of the name, case ignored.') }));

export const SubjectsQuery = Type.Partial(Type.Object({ ...listParameters(100, 'part of the name, case ignored.') }));

export const StudentsQuery = Type.Partial(
  Type.Object({
    ...listParameters(50, 'every word must appear in the names, student number, e-mail or phone; accents and case ignored.'),
    group: Type.Integer({ minimum: 1, description: 'Only the students of this group (its id).' }),
    sort: Type.Union(
      studentSorts.map((s) => Type.Literal(s)),
      { description: 'Order: by name (last, first), student number or creation time; a leading `-` reverses it. Default `name`.' },
    ),
  }),
);

export const LecturersQuery = Type.Partial(
  Type.Object({
    ...listParameters(50, 'every word must appear in the names, e-mail, phone, degree or position; accents and case ignored.'),
    degree: Type.String({ maxLength: 100, description: 'Only lecturers with this academic degree, e.g. PhD.' }),
    group: Type.Integer({ minimum: 1, description: 'Only the lecturers who teach this group (its id).' }),
    sort: Type.Union(
      lecturerSorts.map((s) => Type.Literal(s)),
      { description: 'Order: by name (last, first) or creation time; a leading `-` reverses it. Default `name`.' },
    ),
  }),
);

const importSchemas = [
  named(ImportReportOutput, 'ImportReport', 'What importing the file would do (dry run) or did: counts, row errors, planned creates and field-by-field updates.'),
  Type.Object(
    {
      applied: Type.Boolean({ description: 'false for a dry run: nothing was written.' }),
      report: ref('ImportReport'),
      accounts: Type.Array(
        Type.Object({
          row: Type.Integer({ description: 'The file row the person came from.' }),
          name: Type.String(),
          key: Type.String({ description: 'The student number, or the lecturer\'s e-mail.' }),
          username: Type.String(),
          oneTimePassword: Type.String({ description: 'Shown only in this answer; hand it to the person, who must change it at the first sign-in.' }),
        }),
        { description: 'The accounts made for the new records (empty for a dry run).' },
      ),
    },
    { $id: 'ImportOutcome', description: 'The report of a dry run, or of the applied import with the new accounts.' },
  ),
  Type.Object(
    {
      error: ErrorResponse.properties.error,
      report: Type.Optional(ref('ImportReport')),
    },
    { $id: 'ImportRefused', description: 'An import that was refused: nothing was written. With `import_invalid`, `import_changed` and `confirmation_required`, `report` says why.' },
  ),
];

/** Schemas every route may refer to by id, registered once on the app (components.schemas). */
export const sharedSchemas: TSchema[] = [ErrorResponse, Me, NewAccount, ...groupSchemas, ...subjectSchemas, MaterialOutput, ...exerciseSchemas, ...newsSchemas, ...thesisSchemas, ...assistantSchemas, GradebookOutput, ...studentSchemas, ...lecturerSchemas, ...importSchemas];

/** A shared schema by its name, for checking a body against what the document promises. */
export function sharedSchema(id: string): TSchema {
  const schema = sharedSchemas.find((s) => (s as { $id?: string }).$id === id);
  if (!schema) throw new Error(`no shared schema ${id}`);
  return schema;
}
