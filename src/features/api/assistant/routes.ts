// The assistant in the API: POST /assistant { message } → { answer, links, source }, the chat page's
// answer (assistant/service.ts) for the token's owner.
import type { FastifyInstance } from 'fastify';
import { askAssistant } from '../../assistant/service.js';
import { guideOf } from '../../help/guide.js';
import type { AssistantLimit } from '../../../plugins/rate-limit.js';
import { apiRouteConfig, readAs } from '../request.js';
import { errorResponses, ref } from '../schemas.js';

export default async function assistantApiRoutes(app: FastifyInstance, options: { staticRoot?: string; limit: AssistantLimit }) {
  app.post(
    '/assistant',
    {
      config: apiRouteConfig,
      // Beside the token's API budget: the questions one person may ask, on the pages and here together.
      preHandler: options.limit,
      schema: {
        tags: ['assistant'],
        summary: 'Ask the assistant a question',
        description:
          "Answers from what the caller may see (their deadlines, scores, subjects and their files, the Waiting Room, news, theses) and from the users' guide, e.g. \"When is my next deadline?\", \"What did I get in Databases?\", \"How do I import students?\". With ASSISTANT_MODEL set, a language model phrases the same facts (`source: model`); when it cannot, FMS answers by itself (`source: offline`). The links are FMS's pages the answer comes from. One person may ask ASSISTANT_RATELIMIT questions (30 a minute by default, pages and API together; beyond it 429).",
        body: ref('AssistantQuestion'),
        response: { 200: ref('AssistantAnswer'), 422: { ...ref('Error'), description: 'No question, or one longer than 500 characters: `error.fields.message` says so.' }, ...errorResponses },
      },
    },
    async (request) => {
      const answer = await askAssistant(readAs(request), request.body, guideOf(options.staticRoot));
      return { answer: answer.answer, links: answer.links, source: answer.source };
    },
  );
}
