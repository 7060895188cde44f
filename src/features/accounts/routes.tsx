// Admins' account pages under /admin/accounts.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Conflict, Invalid } from '../../lib/errors.js';
import { exportColumns, exportValues } from '../../lib/record-fields.js';
import { addExportRoutes } from '../../routes/export-sheet.js';
import { idOf } from '../../routes/record-id.js';
import { asActor, ctxOf } from '../../routes/request-context.js';
import { accountStatus } from '../../views/account-parts.js';
import { roleLabel } from '../../views/nav.js';
import { AlreadySubmitted } from '../audit/service.js';
import { accountFields } from './fields.js';
import * as accounts from './service.js';
import { AccountPage } from './views/account-page.js';
import { AccountsPage } from './views/accounts-page.js';
import { NewAccountPage } from './views/new-account-page.js';

export default async function accountRoutes(app: FastifyInstance) {
  app.get<{ Querystring: Record<string, string> }>('/', async (request, reply) => {
    const ctx = ctxOf(request);
    const query = { q: request.query.q ?? '', role: request.query.role ?? '', page: request.query.page ?? '1' };
    const result = await accounts.listAccounts(ctx, query);
    return reply.html(
      <AccountsPage page={reply.pageContext()} rows={result.rows} total={result.total} totalIsAtLeast={result.totalIsAtLeast} pageNumber={result.page} pageSize={result.pageSize} q={query.q} role={query.role} now={ctx.clock.now()} />,
    );
  });

  addExportRoutes(app, (request: FastifyRequest<{ Querystring: Record<string, string> }>) => {
    const ctx = ctxOf(request);
    const now = ctx.clock.now();
    return {
      basename: 'accounts',
      sheetName: 'Accounts',
      today: now,
      columns: [
        ...exportColumns(accountFields, { includePrivate: true }),
        { header: 'Status', key: 'status', width: 18 },
        { header: 'Last sign-in (UTC)', key: 'lastLoginAt', width: 22 },
        { header: 'Created (UTC)', key: 'createdAt', width: 22 },
      ],
      rows: accounts.exportAccounts(ctx, { q: request.query.q ?? '', role: request.query.role ?? '' }),
      toRecord: (a) => ({
        ...exportValues(accountFields, a),
        // An admin lecturer's role reads "lecturer · admin", as on the accounts list.
        role: roleLabel(a),
        status: accountStatus(a, now),
        lastLoginAt: a.lastLoginAt ? a.lastLoginAt.toISOString() : '',
        createdAt: a.createdAt.toISOString(),
      }),
    };
  });

  app.get('/new', async (request, reply) => {
    accounts.assertMayCreateAccounts(ctxOf(request));
    return reply.html(<NewAccountPage page={reply.pageContext()} />);
  });

  app.post<{ Body: Record<string, string> }>('/', async (request, reply) => {
    const ctx = ctxOf(request);
    const body = request.body ?? {};
    // The form never sets a password: admins hand out one-time passwords, not chosen ones.
    const input = { username: body.username, displayName: body.displayName, role: body.role };
    try {
      const created = await asActor(request, (tx) => accounts.createAccount(tx, input));
      reply.code(201);
      return reply.html(<AccountPage page={reply.pageContext()} account={created.user} oneTimePassword={created.oneTimePassword} isSelf={false} now={ctx.clock.now()} />);
    } catch (error) {
      if (!(error instanceof Invalid || error instanceof Conflict)) throw error;
      const e = error;
      reply.code(e.statusCode);
      return reply.html(<NewAccountPage page={reply.pageContext()} values={body} errors={e.fields} message={e.message} />);
    }
  });

  app.get<{ Params: { id: string } }>('/:id', async (request, reply) => {
    const ctx = ctxOf(request);
    const account = await accounts.getAccount(ctx, idOf(request));
    return reply.html(<AccountPage page={reply.pageContext()} account={account} isSelf={account.id === ctx.actor.userId} now={ctx.clock.now()} />);
  });

  app.post<{ Params: { id: string }; Body: Record<string, unknown> | undefined }>('/:id/reset-password', async (request, reply) => {
    const ctx = ctxOf(request);
    const formId = typeof request.body?.resetId === 'string' ? request.body.resetId : undefined;
    let reset;
    try {
      reset = await asActor(request, (tx) => accounts.resetPassword(tx, idOf(request), { formId }));
    } catch (error) {
      // A reload of the page that showed the new password: say so, and make none.
      if (!(error instanceof AlreadySubmitted)) throw error;
      reply.flash('warning', error.message);
      return reply.redirect(`/admin/accounts/${idOf(request)}`, 303);
    }
    const { user, oneTimePassword } = reset;
    const account = await accounts.getAccount(ctx, user.id);
    return reply.html(<AccountPage page={reply.pageContext()} account={account} oneTimePassword={oneTimePassword} isSelf={account.id === ctx.actor.userId} now={ctx.clock.now()} />);
  });

  for (const [path, disabled] of [
    ['disable', true],
    ['enable', false],
  ] as const) {
    app.post<{ Params: { id: string } }>(`/:id/${path}`, async (request, reply) => {
      const account = await asActor(request, (ctx) => accounts.setAccountDisabled(ctx, idOf(request), disabled));
      reply.flash('success', disabled ? `Account ${account.username} is disabled and signed out everywhere.` : `Account ${account.username} is enabled.`);
      return reply.redirect(`/admin/accounts/${account.id}`, 303);
    });
  }
}
