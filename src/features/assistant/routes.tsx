// /assistant: the chat page, and its questions: POST from its form (a whole page without JavaScript,
// the exchange alone for htmx, which appends it to the page's log or to the widget's), or GET
// ?message=… (asking reads and changes nothing, so a question can be a link or a bookmark).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Invalid } from '../../lib/errors.js';
import type { AssistantLimit } from '../../plugins/rate-limit.js';
import { ctxOf, type RequestContext } from '../../routes/request-context.js';
import { guideOf } from '../help/guide.js';
import { askAssistant, examplesFor } from './service.js';
import { AssistantPage, Exchange, Refusal } from './views/assistant-page.js';

export default async function assistantRoutes(app: FastifyInstance, options: { staticRoot?: string; limit: AssistantLimit }) {
  const configured = app.deps.config.assistantModel;
  const model = configured !== null;
  // Said once at start, so an operator sees which way the answers come without asking a question.
  if (configured) app.log.info({ model: configured.model, endpoint: new URL(configured.url).origin, timeoutMs: configured.timeoutMs }, `the assistant's answers are phrased by ${configured.model} at ${new URL(configured.url).origin}`);
  else app.log.debug("the assistant answers offline (no ASSISTANT_API_URL and ASSISTANT_MODEL)");

  const limited = options.limit;
  // The page itself is not a question: only a GET that asks one counts.
  const asking = async function (this: FastifyInstance, request: FastifyRequest<{ Querystring: Record<string, unknown> | undefined }>, reply: FastifyReply) {
    if (request.method === 'GET' && typeof request.query?.message !== 'string') return;
    return limited.call(this, request, reply);
  };

  app.get<{ Querystring: Record<string, unknown> | undefined }>('/assistant', { preHandler: asking }, async (request, reply) => {
    const ctx = ctxOf(request);
    const message = request.query?.message;
    if (typeof message !== 'string' || message.trim() === '') return reply.html(<AssistantPage page={reply.pageContext()} examples={await examplesFor(ctx)} exchange={null} model={model} />);
    return answer(request, reply, ctx, message);
  });

  app.post<{ Body: Record<string, unknown> | undefined }>('/assistant', { preHandler: limited }, async (request, reply) => answer(request, reply, ctxOf(request), typeof request.body?.message === 'string' ? request.body.message : ''));

  async function answer(request: FastifyRequest, reply: FastifyReply, ctx: RequestContext, message: string) {
    const htmx = request.headers['hx-request'] === 'true';
    try {
      const exchange = await askAssistant(ctx, { message }, guideOf(options.staticRoot));
      if (htmx) return reply.html(<Exchange exchange={exchange} />);
      return reply.html(<AssistantPage page={reply.pageContext()} examples={await examplesFor(ctx)} exchange={exchange} model={model} />);
    } catch (error) {
      if (!(error instanceof Invalid)) throw error;
      const problem = error.fields.message ?? error.message;
      // htmx swaps only 2xx answers by default: the refusal goes in the log like an answer.
      if (htmx) return reply.html(<Refusal message={problem} />);
      return reply.code(422).html(<AssistantPage page={reply.pageContext()} examples={await examplesFor(ctx)} exchange={null} value={message} errors={{ message: problem }} model={model} />);
    }
  }
}
