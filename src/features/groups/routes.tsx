// Group pages under /groups: admins create, rename, describe and archive; lecturers see the groups
// they teach, read-only. Students have no group pages (their record names their group).
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { authorize, can } from '../../access.js';
import { Conflict, Invalid } from '../../lib/errors.js';
import { singleQueryValues } from '../../lib/query-values.js';
import { validate } from '../../lib/validation.js';
import { exportColumns, exportValues, formValuesFromBody } from '../../lib/record-fields.js';
import { addExportRoutes, ARCHIVED_COLUMN } from '../../routes/export-sheet.js';
import { formMessage } from '../../routes/form-messages.js';
import { loadNamedListPage, namedListLink, readNamedListQuery } from '../../routes/named-list.js';
import { idOf } from '../../routes/record-id.js';
import { asActor, ctxOf } from '../../routes/request-context.js';
import { SuggestionOptions } from '../../views/form-field.js';
import { RecordHistory } from '../../views/record-history.js';
import { recordHistory } from '../audit/service.js';
import { groupFields } from './fields.js';
import { GroupChoicesQuery, ListGroupsQuery } from './schemas.js';
import * as groups from './service.js';
import { GroupPage } from './views/group-page.js';
import { GroupsPage } from './views/groups-page.js';
import { NewGroupPage } from './views/new-group-page.js';

type Query = Record<string, unknown>;

/** The form's values as sent: every declared field of a group. */
function formValues(body: Record<string, unknown> | undefined) {
  return formValuesFromBody(groupFields, body, true);
}

export default async function groupRoutes(app: FastifyInstance) {
  app.get<{ Querystring: Query }>('/', async (request, reply) => {
    const ctx = ctxOf(request);
    authorize(ctx.actor, 'groups.view');
    const mayManage = can(ctx.actor, 'groups.manage');
    const query = readNamedListQuery(request.query, ListGroupsQuery, mayManage);
    const { q, archived, cursor } = query;
    const result = await loadNamedListPage(query, (options) => groups.listGroups(ctx, options));
    const link = (extra: Record<string, string>) => namedListLink('/groups', query, extra);
    return reply.html(
      <GroupsPage
        page={reply.pageContext()}
        groups={result.items}
        q={q}
        archived={archived}
        mayManage={mayManage}
        nextHref={result.nextCursor ? link({ cursor: result.nextCursor }) : null}
        firstHref={cursor ? link({}) : null}
      />,
    );
  });

  addExportRoutes(app, (request: FastifyRequest<{ Querystring: Query }>) => {
    const ctx = ctxOf(request);
    authorize(ctx.actor, 'groups.view');
    const query = singleQueryValues(ListGroupsQuery, request.query);
    const q = (query.q ?? '').slice(0, 100);
    const archived = can(ctx.actor, 'groups.manage') && query.archived === 'true';
    return {
      basename: archived ? 'groups-archived' : 'groups',
      sheetName: 'Groups',
      today: ctx.clock.now(),
      columns: [...exportColumns(groupFields, { includePrivate: true }), { header: 'Students', key: 'studentCount', width: 10 }, ...(archived ? [ARCHIVED_COLUMN] : [])],
      rows: groups.exportGroups(ctx, { ...(q ? { q } : {}), archived }),
      toRecord: (g) => ({ ...exportValues(groupFields, g), studentCount: g.studentCount, archived: g.archived ? 'yes' : 'no' }),
    };
  });

  // A group picker's suggestions as someone types (views/form-field SuggestedInput): a fragment of
  // datalist options, the few groups in the actor's sight whose names contain the text.
  app.get<{ Querystring: Query }>('/choices', async (request, reply) => {
    const ctx = ctxOf(request);
    authorize(ctx.actor, 'groups.view');
    const query = validate(GroupChoicesQuery, singleQueryValues(GroupChoicesQuery, request.query));
    const text = query.q ?? query.groupName ?? query.groupId ?? '';
    const names = (await groups.groupChoices(ctx, text)).map((g) => g.name);
    return reply.html(<SuggestionOptions names={names} />);
  });

  app.get('/new', async (request, reply) => {
    authorize(ctxOf(request).actor, 'groups.manage');
    return reply.html(<NewGroupPage page={reply.pageContext()} />);
  });

  app.post<{ Body: Record<string, unknown> }>('/', async (request, reply) => {
    const values = formValues(request.body);
    try {
      const group = await asActor(request, (ctx) => groups.createGroup(ctx, values));
      reply.flash('success', `Group ${group.name} created.`);
      return reply.redirect(`/groups/${group.id}`, 303);
    } catch (error) {
      if (!(error instanceof Invalid || error instanceof Conflict)) throw error;
      reply.code(error.statusCode);
      return reply.html(<NewGroupPage page={reply.pageContext()} values={values} errors={error.fields} message={formMessage(error)} />);
    }
  });

  async function showGroup(request: FastifyRequest<{ Params: { id: string } }>, form?: Parameters<typeof GroupPage>[0]['form']) {
    const ctx = ctxOf(request);
    authorize(ctx.actor, 'groups.view');
    const group = await groups.getGroup(ctx, idOf(request));
    const history = can(ctx.actor, 'audit.view') ? <RecordHistory {...await recordHistory(ctx, 'group', group.id)} /> : '';
    return { group, mayManage: can(ctx.actor, 'groups.manage'), history, form };
  }

  app.get<{ Params: { id: string } }>('/:id', async (request, reply) => {
    const shown = await showGroup(request);
    return reply.html(<GroupPage page={reply.pageContext()} {...shown} />);
  });

  app.post<{ Params: { id: string }; Body: Record<string, unknown> }>('/:id', async (request, reply) => {
    const values = formValues(request.body);
    try {
      const group = await asActor(request, (ctx) => groups.updateGroup(ctx, idOf(request), values));
      reply.flash('success', `Group ${group.name} saved.`);
      return reply.redirect(`/groups/${group.id}`, 303);
    } catch (error) {
      if (!(error instanceof Invalid || error instanceof Conflict)) throw error;
      const shown = await showGroup(request, { values, errors: error.fields, message: formMessage(error) });
      reply.code(error.statusCode);
      return reply.html(<GroupPage page={reply.pageContext()} {...shown} />);
    }
  });

  for (const [path, archived] of [
    ['archive', true],
    ['restore', false],
  ] as const) {
    app.post<{ Params: { id: string } }>(`/:id/${path}`, async (request, reply) => {
      const group = await asActor(request, (ctx) => groups.archiveGroup(ctx, idOf(request), archived));
      reply.flash('success', archived ? `Group ${group.name} archived. Its students and history are kept.` : `Group ${group.name} restored.`);
      return reply.redirect(`/groups/${group.id}`, 303);
    });
  }
}
