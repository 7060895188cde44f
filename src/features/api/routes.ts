// The JSON API under /api/v1: bearer tokens (or a browser session), API_RATELIMIT requests per token
// (1000 an hour unless the operator says otherwise).
// Each route answers JSON and errors as { "error": { "code", "message", "fields" } }, and carries a
// `schema` that the OpenAPI document (docs/routes.ts) is built from. The rules are the services':
// the API sees and changes what the same account could on the pages.
import type { FastifyInstance } from 'fastify';
import type { Static, TSchema } from 'typebox';
import * as groups from '../groups/service.js';
import * as lecturers from '../lecturers/service.js';
import * as students from '../students/service.js';
import * as subjects from '../subjects/service.js';
import { NotFound } from '../../lib/errors.js';
import { jsonAsAttachment } from './attachment.js';
import importRoutes from './imports/routes.js';
import exerciseApiRoutes from './exercises/routes.js';
import gradebookApiRoutes from './gradebook/routes.js';
import materialApiRoutes from './materials/routes.js';
import newsApiRoutes from './news/routes.js';
import thesisApiRoutes from './theses/routes.js';
import assistantApiRoutes from './assistant/routes.js';
import type { AssistantLimit } from '../../plugins/rate-limit.js';
import { API_PREFIX, apiRouteConfig, callerOf, knownFieldsOnly, pick, readAs, recordId, writeAs, type ActorAuthContext } from './request.js';
import { errorResponses, GroupsQuery, IdParams, LecturersQuery, Me, pageOf, ref, sharedSchema, StudentsQuery, SubjectsQuery } from './schemas.js';
import { apiKey } from '../../plugins/rate-limit.js';
import { refuseInvalidToken } from '../../plugins/session.js';

export { apiRouteConfig };

/** One kind of record the API lists, shows, creates, changes and archives. */
interface Resource<V extends { id: number }> {
  /** URL segment under /api/v1, and the OpenAPI tag. */
  path: 'groups' | 'students' | 'lecturers' | 'subjects';
  noun: string;
  /** Creating one also makes a sign-in account (students, lecturers). */
  makesAccount: boolean;
  /** Who may create, change and archive, for the document. */
  writers: { create: string; change: string };
  /** The names of its schemas in components.schemas. */
  schemas: { output: string; input: string; changes: string; created: string };
  query: TSchema;
  /** Who sees what, for the document. */
  visibility: string;
  list(ctx: ActorAuthContext, query: Record<string, unknown>): Promise<{ items: V[]; nextCursor: string | null }>;
  get(ctx: ActorAuthContext, id: number): Promise<V>;
  /** Creates the record; answers the record and what else the answer carries (the new account). */
  create(ctx: ActorAuthContext, input: unknown): Promise<{ record: V; answer: unknown }>;
  update(ctx: ActorAuthContext, id: number, input: unknown): Promise<V>;
  archive(ctx: ActorAuthContext, id: number, archived: boolean): Promise<V>;
}

const adminsOnly = 'Admins only: anyone else gets 403.';
const adminsOnlyOnRecord = 'Admins only: anyone else gets 404 for a record they may not see (as for one that does not exist), 403 for one they may.';

const resources = [
  {
    path: 'groups',
    noun: 'group',
    makesAccount: false,
    writers: { create: adminsOnly, change: adminsOnlyOnRecord },
    schemas: { output: 'Group', input: 'GroupInput', changes: 'GroupChanges', created: 'Group' },
    query: GroupsQuery,
    visibility: 'Admins see every group, lecturers the groups they teach, students their own group.',
    list: groups.listGroups,
    get: groups.getGroup,
    create: async (ctx, input) => {
      const group = await groups.createGroup(ctx, input);
      return { record: group, answer: group };
    },
    update: groups.updateGroup,
    archive: groups.archiveGroup,
  } satisfies Resource<groups.GroupView>,
  {
    path: 'students',
    noun: 'student',
    makesAccount: true,
    writers: { create: adminsOnly, change: adminsOnlyOnRecord },
    schemas: { output: 'Student', input: 'StudentInput', changes: 'StudentChanges', created: 'StudentCreated' },
    query: StudentsQuery,
    visibility:
      'Admins see every student; lecturers the students of the groups they teach, without `birthDate`, `phone` and `address`; a student only their own record.',
    list: students.listStudents,
    get: students.getStudent,
    create: async (ctx, input) => {
      const { student, account } = await students.createStudent(ctx, input);
      return { record: student, answer: { ...student, account } };
    },
    update: students.updateStudent,
    archive: students.archiveStudent,
  } satisfies Resource<students.StudentView>,
  {
    path: 'lecturers',
    noun: 'lecturer',
    makesAccount: true,
    writers: { create: adminsOnly, change: adminsOnlyOnRecord },
    schemas: { output: 'Lecturer', input: 'LecturerInput', changes: 'LecturerChanges', created: 'LecturerCreated' },
    query: LecturersQuery,
    visibility: 'Admins see every lecturer; a lecturer only their own record; students none.',
    list: lecturers.listLecturers,
    get: lecturers.getLecturer,
    create: async (ctx, input) => {
      const { lecturer, account } = await lecturers.createLecturer(ctx, input);
      return { record: lecturer, answer: { ...lecturer, account } };
    },
    update: lecturers.updateLecturer,
    archive: lecturers.archiveLecturer,
  } satisfies Resource<lecturers.LecturerView>,
  {
    path: 'subjects',
    noun: 'subject',
    makesAccount: false,
    writers: {
      create: adminsOnly,
      change:
        "Admins change everything; the subject's lecturers only its `description` (403 for the rest). Anyone who may not see the subject gets 404. Archiving is the admins'.",
    },
    schemas: { output: 'Subject', input: 'SubjectInput', changes: 'SubjectChanges', created: 'Subject' },
    query: SubjectsQuery,
    visibility: 'Admins see every subject, lecturers the subjects they teach, students the subjects their group takes.',
    list: subjects.listSubjects,
    get: subjects.getSubject,
    create: async (ctx, input) => {
      const subject = await subjects.createSubject(ctx, input);
      return { record: subject, answer: subject };
    },
    update: subjects.updateSubject,
    archive: subjects.archiveSubject,
  } satisfies Resource<subjects.SubjectView>,
];


function registerResource<V extends { id: number }>(app: FastifyInstance, r: Resource<V>) {
  const tags = [r.path];
  const one = `/${r.path}/:id`;
  const notFound = { ...ref('Error'), description: `No such ${r.noun}, or not one this token may see.` };
  const forbidden = { ...ref('Error'), description: 'This token may see the record but not change it.' };
  const invalid = { ...ref('Error'), description: 'The input breaks a rule; `error.fields` says what to fix in each field.' };
  const conflict = { ...ref('Error'), description: 'Another record already has a value that must be unique; `error.fields` names it.' };
  const queryKeys = Object.keys((r.query as unknown as { properties: object }).properties);

  app.get(
    `/${r.path}`,
    {
      config: apiRouteConfig,
      schema: {
        tags,
        summary: `List ${r.path}`,
        description: `${r.visibility} Archived ${r.path} are listed only with \`archived=true\`. Pages follow \`nextCursor\`.`,
        querystring: r.query,
        response: { 200: { ...pageOf(r.schemas.output), description: `A page of ${r.path}.` }, 422: invalid, ...errorResponses },
      },
    },
    async (request) => {
      const page = await r.list(readAs(request), pick(request.query, queryKeys, ['group', 'limit']));
      return { items: page.items, nextCursor: page.nextCursor };
    },
  );

  app.get(
    one,
    {
      config: apiRouteConfig,
      schema: {
        tags,
        summary: `Get one ${r.noun}`,
        description: r.visibility,
        params: IdParams,
        response: { 200: { ...ref(r.schemas.output), description: `The ${r.noun}.` }, 404: notFound, ...errorResponses },
      },
    },
    async (request) => r.get(readAs(request), recordId(request.params, r.noun)),
  );

  app.post(
    `/${r.path}`,
    {
      config: apiRouteConfig,
      schema: {
        tags,
        summary: `Create a ${r.noun}`,
        description: r.makesAccount ? `${r.writers.create} Also creates the ${r.noun}'s sign-in account; its one-time password is in this answer only.` : r.writers.create,
        body: ref(r.schemas.input),
        response: {
          201: {
            ...ref(r.schemas.created),
            description: `The new ${r.noun}${r.makesAccount ? ', with `account`' : ''}.`,
            headers: { location: { type: 'string', description: `The new ${r.noun}'s URL.` } },
          },
          403: forbidden,
          409: conflict,
          422: invalid,
          ...errorResponses,
        },
      },
    },
    async (request, reply) => {
      const body = knownFieldsOnly(request.body ?? {}, sharedSchema(r.schemas.input));
      const { record, answer } = await writeAs(request, (ctx) => r.create(ctx, body));
      reply.code(201).header('location', `${API_PREFIX}/${r.path}/${record.id}`);
      return answer;
    },
  );

  app.patch(
    one,
    {
      config: apiRouteConfig,
      schema: {
        tags,
        summary: `Change a ${r.noun}`,
        description: `${r.writers.change} Send only the fields to change.`,
        params: IdParams,
        body: ref(r.schemas.changes),
        response: { 200: { ...ref(r.schemas.output), description: `The ${r.noun} as it is now.` }, 403: forbidden, 404: notFound, 409: conflict, 422: invalid, ...errorResponses },
      },
    },
    async (request) => {
      const id = recordId(request.params, r.noun);
      const body = knownFieldsOnly(request.body ?? {}, sharedSchema(r.schemas.changes));
      return writeAs(request, (ctx) => r.update(ctx, id, body));
    },
  );

  const archiveRoute = (method: 'POST' | 'DELETE', url: string, archived: boolean, summary: string, description: string) =>
    app.route({
      method,
      url,
      config: apiRouteConfig,
      schema: {
        tags,
        summary,
        description: `${adminsOnlyOnRecord} ${description}`,
        params: IdParams,
        response: { 200: { ...ref(r.schemas.output), description: `The ${r.noun} as it is now.` }, 403: forbidden, 404: notFound, ...errorResponses },
      },
      handler: async (request) => {
        const id = recordId(request.params, r.noun);
        return writeAs(request, (ctx) => r.archive(ctx, id, archived));
      },
    });
  archiveRoute('POST', `${one}/archive`, true, `Archive a ${r.noun}`, 'Archived records leave the lists but keep their history; archiving twice is harmless.');
  archiveRoute('POST', `${one}/restore`, false, `Restore an archived ${r.noun}`, 'Brings the record back into the lists.');
  archiveRoute('DELETE', one, true, `Archive a ${r.noun} (same as POST …/archive)`, 'Nothing is ever deleted: DELETE archives the record, and POST …/restore brings it back.');
}

export default async function apiRoutes(app: FastifyInstance, options: { staticRoot?: string; assistantLimit: AssistantLimit }) {
  // The route schemas describe the API; the services validate the input with the features' own
  // schemas (lib/validation.ts), so the API gives the same rules and messages as the pages and the
  // CLI. Fastify's own validation would answer differently worded errors first, so it is off here.
  app.setValidatorCompiler(() => () => true);
  // Bodies are JSON (imports multipart): a form-encoded body answers 415, as the document says.
  app.removeContentTypeParser('application/x-www-form-urlencoded');
  // One budget per token (per address without a valid one) shared by every API route. The session
  // plugin's hook, registered before, has resolved the token by then. The key's prefix keeps these
  // counters apart from any other limiter made with app.rateLimit().
  const { max, windowMs } = app.deps.config.apiRateLimit;
  app.addHook('onRequest', app.rateLimit({ max, timeWindow: windowMs, keyGenerator: (request) => `api:${apiKey(request)}` }));
  // Every API call needs a caller. Refusing here, after the count (guessing tokens is limited) and
  // before the body is read or CSRF checked, answers an anonymous call with 401 (send a token)
  // rather than a 415 for its body or the CSRF check's 403.
  app.addHook('onRequest', async (request) => {
    refuseInvalidToken(request);
    callerOf(request);
  });
  // An address under /api/v1 that names no call goes through the same hooks: without a token it is
  // 401 like any other (the docs list every call anyway), with one it is 404.
  app.setNotFoundHandler(async () => {
    throw new NotFound('No such API call: /api/docs lists them.');
  });
  // JSON answers are downloads, not pages (attachment.ts); errors included.
  app.addHook('onSend', jsonAsAttachment);

  app.get(
    '/me',
    {
      config: apiRouteConfig,
      schema: {
        tags: ['account'],
        summary: 'The account this token acts as',
        response: { 200: ref('Me'), ...errorResponses },
      },
    },
    async (request) => {
      const actor = callerOf(request);
      const me: Static<typeof Me> = {
        id: actor.userId,
        username: actor.username,
        displayName: actor.displayName,
        role: actor.role,
        isAdmin: actor.isAdmin,
        studentId: actor.studentId,
        lecturerId: actor.lecturerId,
      };
      return me;
    },
  );

  for (const resource of resources) registerResource(app, resource as Resource<{ id: number }>);
  await app.register(importRoutes, { prefix: '/imports' });
  await app.register(materialApiRoutes);
  await app.register(exerciseApiRoutes);
  await app.register(gradebookApiRoutes);
  await app.register(newsApiRoutes);
  await app.register(thesisApiRoutes);
  await app.register(assistantApiRoutes, { staticRoot: options.staticRoot, limit: options.assistantLimit });
}
