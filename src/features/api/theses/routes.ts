// Theses in the API, with the pages' rules (theses/service.ts):
//   POST /theses { studentId, title, supervisorId, year }   (admins; lecturers for the students they may see)
//   GET /theses (those in the caller's sight, newest first)   GET /theses/similar?title=… (anyone)
import type { FastifyInstance } from 'fastify';
import Type from 'typebox';
import { validate } from '../../../lib/validation.js';
import * as theses from '../../theses/service.js';
import { SimilarThesesQuery } from '../../theses/schemas.js';
import { apiRouteConfig, knownFieldsOnly, readAs, writeAs } from '../request.js';
import { errorResponses, ref, sharedSchema } from '../schemas.js';

const tags = ['theses'];
const invalid = { ...ref('Error'), description: 'The input breaks a rule; `error.fields` says what to fix in each field.' };

function thesisJson(t: theses.ThesisView) {
  return { ...t, createdAt: t.createdAt.toISOString(), updatedAt: t.updatedAt?.toISOString() ?? null };
}

const ListThesesQuery = Type.Object({
  before: Type.Optional(Type.Integer({ minimum: 1, maximum: 2147483647, title: 'Before', errorMessage: 'Use the nextBefore value of the previous page.' })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, title: 'Limit', errorMessage: 'Give a limit from 1 to 500.' })),
});

export default async function thesisApiRoutes(app: FastifyInstance) {
  app.post(
    '/theses',
    {
      config: apiRouteConfig,
      schema: {
        tags,
        summary: "Record a student's thesis",
        description:
          "Admins for any student, lecturers for the students of the groups they teach (404 for others). A student has one thesis: this records it, or changes the one there (a proposal included: it becomes recorded). `supervisorId`: an active lecturer's id, or null.",
        body: ref('ThesisInput'),
        response: { 201: { ...ref('Thesis'), description: 'The thesis as recorded.' }, 403: { ...ref('Error'), description: 'Only admins and lecturers record theses.' }, 404: { ...ref('Error'), description: 'No such student in your sight.' }, 422: invalid, ...errorResponses },
      },
    },
    async (request, reply) => {
      const body = knownFieldsOnly(request.body ?? {}, sharedSchema('ThesisInput'));
      const thesis = await writeAs(request, (ctx) => theses.recordThesis(ctx, body));
      return reply.code(201).send(thesisJson(thesis));
    },
  );

  app.get(
    '/theses',
    {
      config: apiRouteConfig,
      schema: {
        tags,
        summary: 'The theses in the caller\'s sight, newest first',
        description: 'Admins every one; lecturers those they supervise and those of the students they teach; students their own. Pages follow `nextBefore`.',
        querystring: ListThesesQuery,
        response: { 200: Type.Object({ items: Type.Array(ref('Thesis')), nextBefore: Type.Union([Type.Integer(), Type.Null()]) }), 422: invalid, ...errorResponses },
      },
    },
    async (request) => {
      const query = validate(ListThesesQuery, request.query);
      const page = await theses.listTheses(readAs(request), { ...(query.before ? { before: query.before } : {}), ...(query.limit ? { limit: query.limit } : {}) });
      return { items: page.items.map(thesisJson), nextBefore: page.nextBefore };
    },
  );

  app.get(
    '/theses/similar',
    {
      config: apiRouteConfig,
      schema: {
        tags,
        summary: 'Existing thesis titles like a title, best first',
        description:
          'Ranked by TF-IDF cosine similarity of their words (English, Armenian and Russian stop words left out), those with a `score` of at least `threshold` (default 0.3), at most `limit` (default 20). Anyone signed in: titles and scores only, not whose they are.',
        querystring: SimilarThesesQuery,
        response: { 200: ref('SimilarTheses'), 422: invalid, ...errorResponses },
      },
    },
    async (request) => ({ items: await theses.similarTheses(readAs(request), request.query) }),
  );
}
