// /assistant: the chat page (GET), and its questions (POST): a whole page without JavaScript, the
// exchange alone for htmx, which appends it to the page's log or to the widget's (views/layout.tsx).
import type { FastifyInstance } from 'fastify';
import { Invalid } from '../../lib/errors.js';
import { ctxOf } from '../../routes/request-context.js';
import { guideOf } from '../help/guide.js';
import { askAssistant, examples } from './service.js';
import { AssistantPage, Exchange, Refusal } from './views/assistant-page.js';

export default async function assistantRoutes(app: FastifyInstance, options: { staticRoot?: string }) {
  const guide = guideOf(options.staticRoot);
  const model = app.deps.config.assistantModel !== null;

  app.get('/assistant', async (request, reply) => {
    ctxOf(request);
    return reply.html(<AssistantPage page={reply.pageContext()} examples={examples} exchange={null} model={model} />);
  });

  app.post<{ Body: Record<string, unknown> | undefined }>('/assistant', async (request, reply) => {
    const ctx = ctxOf(request);
    const message = typeof request.body?.message === 'string' ? request.body.message : '';
    const htmx = request.headers['hx-request'] === 'true';
    try {
      const exchange = await askAssistant(ctx, { message }, guide);
      if (htmx) return reply.html(<Exchange exchange={exchange} />);
      return reply.html(<AssistantPage page={reply.pageContext()} examples={examples} exchange={exchange} model={model} />);
    } catch (error) {
      if (!(error instanceof Invalid)) throw error;
      const problem = error.fields.message ?? error.message;
      // htmx swaps only 2xx answers by default: the refusal goes in the log like an answer.
      if (htmx) return reply.html(<Refusal message={problem} />);
      return reply.code(422).html(<AssistantPage page={reply.pageContext()} examples={examples} exchange={null} value={message} errors={{ message: problem }} model={model} />);
    }
  });
}
