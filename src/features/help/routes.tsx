// /help: the users' guide as a page, for visitors and everyone signed in alike (it is the project's
// public documentation), linked from the menu and from the assistant's answers.
import type { FastifyInstance } from 'fastify';
import { guideOf } from './guide.js';
import { HelpPage } from './views/help-page.js';

export default async function helpRoutes(app: FastifyInstance, options: { staticRoot?: string }) {
  app.get('/help', async (_request, reply) => reply.html(<HelpPage page={reply.pageContext()} guide={guideOf(options.staticRoot)} />));
}
