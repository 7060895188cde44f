import type { FastifyInstance } from 'fastify';
import { ctxOf } from '../../routes/request-context.js';
import { getAdminSummary, getDashboard } from './service.js';
import { DashboardPage } from './views/dashboard-page.js';

export default async function dashboardRoutes(app: FastifyInstance) {
  app.get('/dashboard', async (request, reply) => {
    const ctx = ctxOf(request);
    const dashboard = await getDashboard(ctx);
    const adminSummary = dashboard.kind === 'lecturer' ? await getAdminSummary(ctx) : null;
    return reply.html(<DashboardPage page={reply.pageContext()} dashboard={dashboard} adminSummary={adminSummary} timeZone={app.deps.config.timeZone} now={ctx.clock.now()} />);
  });
}
