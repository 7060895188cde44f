// Exercises, submissions and the Waiting Room in the API, with the pages' rules:
//   POST /exercises { subjectId, groupIds, title, text, dueAt }   GET /exercises (a student's own, with state)
//   GET/PATCH/DELETE /exercises/{id}   POST /exercises/{id}/release-scores
//   GET /exercises/{id}/brief (the download)   POST /exercises/{id}/brief (multipart `file`)   DELETE /exercises/{id}/brief
//   POST /submissions { exerciseId | exerciseIds, note } (JSON, or multipart with `file`)
//   GET /submissions?mine=true   GET /waiting-room
//   POST /submissions/{id}/score { score, version } (409 when stale)   POST /submissions/{id}/dismiss { reason }
import type { FastifyInstance } from 'fastify';
import Type from 'typebox';
import { authorize } from '../../../access.js';
import { Invalid } from '../../../lib/errors.js';
import { acceptsFiles, receiveFiles } from '../../../plugins/streamed-uploads.js';
import { isMultipart } from '../../../plugins/multipart-form.js';
import { sendStoredFile } from '../../../routes/send-file.js';
import * as briefs from '../../exercises/brief.js';
import * as exercises from '../../exercises/service.js';
import * as submissions from '../../exercises/submissions.js';
import { apiRouteConfig, callerOf, knownFieldsOnly, pick, readAs, recordId, writeAs } from '../request.js';
import { errorResponses, IdParams, ref, sharedSchema } from '../schemas.js';

const tags = ['exercises'];
const invalid = { ...ref('Error'), description: 'The input breaks a rule; `error.fields` says what to fix in each field.' };
const forbidden = { ...ref('Error'), description: 'This token may see the record but not do this.' };
const notFound = { ...ref('Error'), description: 'No such record, or not one this token may see.' };

const briefJson = (b: briefs.BriefView) => ({ ...b, createdAt: b.createdAt.toISOString(), fileUrl: `/api/v1/exercises/${b.exerciseId}/brief` });

const asJson = (e: exercises.ExerciseView) => ({ ...e, dueAt: e.dueAt?.toISOString() ?? null, scoresReleasedAt: e.scoresReleasedAt?.toISOString() ?? null, createdAt: e.createdAt.toISOString(), updatedAt: e.updatedAt.toISOString() });

export default async function exerciseApiRoutes(app: FastifyInstance) {
  app.post(
    '/exercises',
    {
      config: apiRouteConfig,
      schema: {
        tags,
        summary: 'Set an exercise',
        description: "Admins and the subject's lecturers. `groupIds`: some of the subject's groups (a lecturer: those they teach it to). `dueAt`: an instant with its offset, or null. `scoreRelease`: on-scoring (default; students see a score once given) or manual (when released).",
        body: ref('ExerciseInput'),
        response: { 201: { ...ref('Exercise'), description: 'The new exercise.' }, 403: forbidden, 404: notFound, 422: invalid, ...errorResponses },
      },
    },
    async (request, reply) => {
      const exercise = await writeAs(request, (ctx) => exercises.createExercise(ctx, knownFieldsOnly(request.body ?? {}, sharedSchema('ExerciseInput'))));
      return reply.code(201).header('location', `/api/v1/exercises/${exercise.id}`).send(asJson(exercise));
    },
  );

  app.get(
    '/exercises',
    {
      config: apiRouteConfig,
      schema: {
        tags,
        summary: "The signed-in student's exercises, with their state",
        description: 'Students only (lecturers find exercises on their subjects: GET /exercises/{id}). By due time; `state` is open, due soon (within 48 hours), overdue, waiting (sent, not scored or not yet released) or scored; `score` once released.',
        response: { 200: Type.Object({ items: Type.Array(ref('MyExercise')) }), 403: forbidden, ...errorResponses },
      },
    },
    async (request) => {
      const mine = await exercises.myExercises(readAs(request));
      return { items: mine.map((m) => ({ ...m, exercise: asJson({ ...m.exercise, groups: [] }), submission: m.submission && { ...m.submission, submittedAt: m.submission.submittedAt.toISOString() } })) };
    },
  );

  app.get(
    '/exercises/:id',
    { config: apiRouteConfig, schema: { tags, summary: 'Get one exercise', params: IdParams, response: { 200: ref('Exercise'), 404: notFound, ...errorResponses } } },
    async (request) => asJson(await exercises.getExercise(readAs(request), recordId(request.params, 'exercise'))),
  );

  app.patch(
    '/exercises/:id',
    {
      config: apiRouteConfig,
      schema: { tags, summary: 'Change an exercise', description: 'Send only the fields to change.', params: IdParams, body: ref('ExerciseChanges'), response: { 200: ref('Exercise'), 403: forbidden, 404: notFound, 422: invalid, ...errorResponses } },
    },
    async (request) => asJson(await writeAs(request, (ctx) => exercises.updateExercise(ctx, recordId(request.params, 'exercise'), knownFieldsOnly(request.body ?? {}, sharedSchema('ExerciseChanges'))))),
  );

  app.delete(
    '/exercises/:id',
    { config: apiRouteConfig, schema: { tags, summary: 'Delete an exercise and its submissions', params: IdParams, response: { 200: ref('Exercise'), 403: forbidden, 404: notFound, ...errorResponses } } },
    async (request) => {
      const deleted = await writeAs(request, (ctx) => exercises.deleteExercise(ctx, recordId(request.params, 'exercise')));
      await deleted.afterCommit();
      const { afterCommit: _done, ...exercise } = deleted;
      return asJson(exercise);
    },
  );

  app.post(
    '/exercises/:id/release-scores',
    { config: apiRouteConfig, schema: { tags, summary: "Show an exercise's scores to its students", params: IdParams, response: { 200: ref('Exercise'), 403: forbidden, 404: notFound, ...errorResponses } } },
    async (request) => asJson(await writeAs(request, (ctx) => submissions.releaseScores(ctx, recordId(request.params, 'exercise')))),
  );

  app.get(
    '/exercises/:id/brief',
    {
      config: apiRouteConfig,
      schema: {
        tags,
        summary: "Download an exercise's brief",
        description:
          "Whoever may see the exercise: its groups' students, its subject's lecturers, admins. The file, as an attachment, with its Content-Type (active types such as HTML and SVG as application/octet-stream), `X-Content-Type-Options: nosniff`, an ETag (its SHA-256) and `Accept-Ranges: bytes`. 404 when the exercise has no brief.",
        params: IdParams,
        response: { 404: { ...ref('Error'), description: 'No such exercise, not one this token may see, or no brief.' }, ...errorResponses },
      },
    },
    async (request, reply) => sendStoredFile(request, reply, await briefs.briefFile(readAs(request), recordId(request.params, 'exercise'))),
  );

  app.post(
    '/exercises/:id/brief',
    {
      config: { ...apiRouteConfig, ...acceptsFiles(1) },
      schema: {
        tags,
        summary: 'Attach or replace the brief of an exercise',
        description:
          "Admins and the subject's lecturers (others: 403, or 404 for an exercise they may not see). multipart/form-data with one file in the field `file`, at most MAX_CONTENT_LENGTH (413 otherwise, and nothing is kept). It takes the place of the brief there was, whose file is deleted. 409 when someone else changed the brief meanwhile.",
        params: IdParams,
        consumes: ['multipart/form-data'],
        response: {
          200: { ...ref('Brief'), description: 'The brief as it is now.' },
          403: forbidden,
          404: notFound,
          409: { ...ref('Error'), description: 'The brief changed meanwhile; nothing was attached.' },
          413: { ...ref('Error'), description: 'The file is larger than MAX_CONTENT_LENGTH; nothing was kept.' },
          422: { ...ref('Error'), description: 'No file, an empty file or more than one; `error.fields.file` says which.' },
          ...errorResponses,
        },
      },
    },
    async (request) => {
      // Decided before a byte is stored.
      const exercise = await briefs.exerciseToBrief(readAs(request), recordId(request.params, 'exercise'));
      const received = await receiveFiles(request);
      try {
        const attached = await writeAs(request, (ctx) => briefs.attachBrief(ctx, exercise.id, received.files[0]!));
        await attached.afterCommit();
        const { afterCommit: _done, ...brief } = attached;
        return briefJson(brief);
      } catch (error) {
        await received.discard();
        throw error;
      }
    },
  );

  app.delete(
    '/exercises/:id/brief',
    {
      config: apiRouteConfig,
      schema: {
        tags,
        summary: 'Remove the brief of an exercise',
        description: "Admins and the subject's lecturers. Its file is deleted; the audit trail keeps what it was. 404 when the exercise has no brief.",
        params: IdParams,
        response: { 200: { ...ref('Brief'), description: 'The brief as it was.' }, 403: forbidden, 404: notFound, 409: { ...ref('Error'), description: 'The brief changed meanwhile; nothing was removed.' }, ...errorResponses },
      },
    },
    async (request) => {
      const removed = await writeAs(request, (ctx) => briefs.removeBrief(ctx, recordId(request.params, 'exercise')));
      await removed.afterCommit();
      const { afterCommit: _done, ...brief } = removed;
      return briefJson(brief);
    },
  );

  app.post(
    '/submissions',
    {
      config: { ...apiRouteConfig, ...acceptsFiles(1) },
      schema: {
        tags,
        summary: 'Send exercises to the Waiting Room',
        description:
          'Students only. JSON `{ exerciseId, note }` (or `exerciseIds: [..]` for several at once), or multipart/form-data with the same fields and a `file` (at most MAX_CONTENT_LENGTH). Sending again replaces the entry until it is scored (409 after). `late`: sent after the due time.',
        response: {
          201: Type.Object({ id: Type.Integer(), status: Type.Literal('waiting'), late: Type.Boolean(), version: Type.Integer(), items: Type.Array(Type.Object({ id: Type.Integer(), exerciseId: Type.Integer(), status: Type.Literal('waiting'), late: Type.Boolean(), version: Type.Integer() })) }),
          403: forbidden,
          409: { ...ref('Error'), description: 'Already scored: it cannot be sent again.' },
          422: invalid,
          ...errorResponses,
        },
      },
    },
    async (request, reply) => {
      // Refused before a byte is stored: only students send.
      authorize(callerOf(request), 'submissions.submit');
      let body: Record<string, unknown>;
      let received: Awaited<ReturnType<typeof receiveFiles>> | null = null;
      if (isMultipart(request)) {
        received = await receiveFiles(request, { required: false });
        // Every value of a repeated field: exerciseIds ticked several times send them all.
        body = { ...received.fields, ...(received.allFields.exerciseIds ? { exerciseIds: received.allFields.exerciseIds } : {}) };
      } else body = (request.body ?? {}) as Record<string, unknown>;
      const ids = body.exerciseIds ?? (body.exerciseId !== undefined ? [body.exerciseId] : undefined);
      // A list, repeated fields, or "1,2" in one value: every id, as a number when it is one.
      const given = Array.isArray(ids) ? ids : typeof ids === 'string' ? [ids] : ids;
      const exerciseIds = Array.isArray(given) ? given.flatMap((v) => (typeof v === 'string' ? v.split(',').map((part) => (/^\d+$/.test(part.trim()) ? Number(part.trim()) : part)) : [v])) : given;
      const input = { exerciseIds, note: body.note };
      try {
        const result = await writeAs(request, (ctx) => submissions.submitExercises(ctx, input, received?.files[0] ?? null));
        await result.afterCommit();
        const first = result.sent[0]!;
        return reply.code(201).send({ ...first, items: result.sent });
      } catch (error) {
        await received?.discard();
        if (error instanceof Invalid && error.fields.exerciseIds && body.exerciseId !== undefined) error.fields.exerciseId = error.fields.exerciseIds;
        throw error;
      }
    },
  );

  app.get(
    '/submissions',
    {
      config: apiRouteConfig,
      schema: {
        tags,
        summary: "The signed-in student's submissions",
        description: 'Students only: `mine=true` (the only list there is: lecturers use GET /waiting-room). Each with its exercise, status (waiting, graded, dismissed) and, once released, its score.',
        querystring: Type.Object({ mine: Type.Optional(Type.Boolean()) }),
        response: { 200: Type.Object({ items: Type.Array(Type.Object({}, { additionalProperties: true })) }), 403: forbidden, 422: invalid, ...errorResponses },
      },
    },
    async (request) => {
      const mine = (request.query as { mine?: unknown }).mine;
      if (mine !== undefined && mine !== 'true' && mine !== true) throw new Invalid('Use mine=true.', { mine: 'Use mine=true: the list holds your own submissions.' });
      const all = await exercises.myExercises(readAs(request));
      return {
        items: all
          .filter((m) => m.submission)
          .map((m) => ({
            id: m.submission!.id,
            exerciseId: m.exercise.id,
            exerciseTitle: m.exercise.title,
            subjectId: m.exercise.subjectId,
            subjectName: m.exercise.subjectName,
            status: m.submission!.status,
            late: m.submission!.late,
            submittedAt: m.submission!.submittedAt.toISOString(),
            note: m.submission!.note,
            version: m.submission!.version,
            dismissReason: m.submission!.dismissReason,
            score: m.score,
          })),
      };
    },
  );

  app.get(
    '/waiting-room',
    {
      config: apiRouteConfig,
      schema: {
        tags,
        summary: 'The Waiting Room',
        description: "Lecturers (a lecturer who is also an admin too): the waiting entries of the groups they teach each subject to; admins with no lecturer record: every entry. Oldest first, 50 a page (`limit` up to 500): follow `nextCursor` with `?cursor=` for the next (`more` says there is one). Each with the student's number, name, birth date and rating (average score).",
        querystring: submissions.WaitingRoomQuery,
        response: {
          200: Type.Object({ items: Type.Array(Type.Object({}, { additionalProperties: true })), nextCursor: Type.Union([Type.String(), Type.Null()]), more: Type.Boolean() }),
          403: forbidden,
          422: invalid,
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const room = await submissions.waitingRoom(readAs(request), pick(request.query, ['cursor', 'limit'], ['limit']));
      return { nextCursor: room.nextCursor, more: room.nextCursor !== null, items: room.entries.map((e) => ({ ...e, submittedAt: e.submittedAt.toISOString(), exercise: { ...e.exercise, dueAt: e.exercise.dueAt?.toISOString() ?? null } })) };
    },
  );

  app.post(
    '/submissions/:id/score',
    {
      config: apiRouteConfig,
      schema: {
        tags,
        summary: 'Score a waiting entry (1–6)',
        description: 'The lecturer who teaches the subject to the student\'s group, or an admin. `version` as the Waiting Room showed it: 409 when the entry changed since (scored or removed by someone else, or sent again).',
        params: IdParams,
        body: ref('Score'),
        response: { 200: Type.Object({ id: Type.Integer(), status: Type.Literal('graded'), score: Type.Integer(), version: Type.Integer() }), 404: notFound, 409: { ...ref('Error'), description: 'The entry changed since; nothing was saved.' }, 422: invalid, ...errorResponses },
      },
    },
    async (request) => writeAs(request, (ctx) => submissions.scoreSubmission(ctx, recordId(request.params, 'entry'), knownFieldsOnly(request.body ?? {}, sharedSchema('Score')))),
  );

  app.post(
    '/submissions/:id/dismiss',
    {
      config: apiRouteConfig,
      schema: {
        tags,
        summary: 'Remove a waiting entry, with a reason',
        description: 'As scoring; the student sees the reason and may send the exercise again. `version` is optional here (409 when given and stale).',
        params: IdParams,
        body: ref('Dismissal'),
        response: { 200: Type.Object({ id: Type.Integer(), status: Type.Literal('dismissed'), version: Type.Integer() }), 404: notFound, 409: { ...ref('Error'), description: 'The entry changed since; nothing was saved.' }, 422: invalid, ...errorResponses },
      },
    },
    async (request) => writeAs(request, (ctx) => submissions.dismissSubmission(ctx, recordId(request.params, 'entry'), knownFieldsOnly(request.body ?? {}, sharedSchema('Dismissal')))),
  );
}
