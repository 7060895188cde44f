// A subject's gradebook in the API: GET /subjects/{id}/gradebook?group=ID answers the page's table
// as JSON (students × exercises, each cell's state and score, the averages). The rules are the
// page's: admins open every group's, a lecturer those they teach the subject to; anyone else 404.
import type { FastifyInstance } from 'fastify';
import Type from 'typebox';
import { singleQueryValues } from '../../../lib/query-values.js';
import { GradebookQuery } from '../../gradebook/schemas.js';
import { gradebook, type Gradebook, type GradebookCell } from '../../gradebook/service.js';
import { apiRouteConfig, readAs, recordId } from '../request.js';
import { errorResponses, IdParams, ref } from '../schemas.js';

/** Every cell with the same three fields, so a program reads any of them alike. */
function cellJson(cell: GradebookCell) {
  return { state: cell.state, score: cell.state === 'scored' ? cell.score : null, late: 'late' in cell ? cell.late : false };
}

function gradebookJson(book: Gradebook) {
  return {
    subject: book.subject,
    groups: book.groups,
    group: book.group,
    exercises: book.exercises.map((e) => ({ ...e, dueAt: e.dueAt?.toISOString() ?? null })),
    rows: book.rows.map((r) => ({ student: r.student, cells: r.cells.map(cellJson), average: r.average })),
    average: book.average,
  };
}

export default async function gradebookApiRoutes(app: FastifyInstance) {
  app.get(
    '/subjects/:id/gradebook',
    {
      config: apiRouteConfig,
      schema: {
        tags: ['gradebook'],
        summary: "A subject's gradebook for one group",
        description:
          "Admins (every group) and the lecturers who teach the subject to the group; anyone else gets 404, as for a subject that does not exist. `group`: one of the subject's groups (its id); without it, the first of those the token may open, by name. Read in a fixed number of statements whatever the group's size.",
        params: IdParams,
        querystring: Type.Object({ group: Type.Optional(Type.Integer({ minimum: 1, description: "The group's id; default the first of `groups`." })) }),
        response: {
          200: { ...ref('Gradebook'), description: 'The gradebook.' },
          404: { ...ref('Error'), description: 'No such subject or group, or not a gradebook this token may open.' },
          422: { ...ref('Error'), description: '`group` given more than once.' },
          ...errorResponses,
        },
      },
    },
    async (request) => {
      // A group named twice answers 422 naming it, as on the page (lib/query-values).
      const { group } = singleQueryValues(GradebookQuery, request.query);
      return gradebookJson(await gradebook(readAs(request), recordId(request.params, 'subject'), group));
    },
  );
}
