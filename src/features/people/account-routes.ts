// The sign-in account linked to a person record (student, lecturer): reset its password, disable or
// enable it, from the record's page.
import type { FastifyInstance } from 'fastify';
import { NotFound } from '../../lib/errors.js';
import { noStore } from '../../routes/no-store.js';
import { idOf } from '../../routes/record-id.js';
import { asActor, type RequestContext } from '../../routes/request-context.js';
import * as accounts from '../accounts/service.js';
import { AlreadySubmitted } from '../audit/service.js';
import type { PersonKind } from './person-kind.js';

/** The linked account's routes (/:id/account/reset-password, disable, enable) of a kind of person. */
export function registerAccountRoutes(app: FastifyInstance, kind: PersonKind): void {
  async function linkedAccount(ctx: RequestContext, id: number) {
    const account = await kind.accountOf(ctx, id);
    if (!account) throw new NotFound(`This ${kind.noun} has no sign-in account.`);
    return account;
  }

  app.post<{ Params: { id: string }; Body: Record<string, unknown> | undefined }>('/:id/account/reset-password', async (request, reply) => {
    const id = idOf(request);
    const formId = typeof request.body?.resetId === 'string' ? request.body.resetId : undefined;
    let reset;
    try {
      reset = await asActor(request, async (tx) => accounts.resetPassword(tx, (await linkedAccount(tx, id)).id, { formId }));
    } catch (error) {
      // A reload of the page that showed the new password: say so on the record, and make none.
      if (!(error instanceof AlreadySubmitted)) throw error;
      reply.flash('warning', error.message);
      return reply.redirect(`${kind.base}/${id}`, 303);
    }
    const page = await kind.recordPage(request, reply, id, {
      credentials: { username: reset.user.username, password: reset.oneTimePassword, title: 'New one-time password' },
    });
    noStore(reply);
    return reply.html(page);
  });

  for (const [path, disabled] of [
    ['disable', true],
    ['enable', false],
  ] as const) {
    app.post<{ Params: { id: string } }>(`/:id/account/${path}`, async (request, reply) => {
      const id = idOf(request);
      const account = await asActor(request, async (tx) => accounts.setAccountDisabled(tx, (await linkedAccount(tx, id)).id, disabled));
      reply.flash('success', disabled ? `Account ${account.username} is disabled and signed out everywhere.` : `Account ${account.username} is enabled.`);
      return reply.redirect(`${kind.base}/${id}`, 303);
    });
  }
}
