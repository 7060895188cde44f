// Lecturer pages under /lecturers. Admins list, add, edit, archive, upload photos, set the admin
// flag and look after the linked account; a lecturer sees their own record only (others 404).
import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { authorize, can } from '../../access.js';
import { fullName } from '../../lib/people.js';
import { AppError, Conflict, Forbidden, Invalid } from '../../lib/errors.js';
import { formMessage } from '../../routes/form-messages.js';
import { readListFilter } from '../../routes/list-filter.js';
import { idOf } from '../../routes/record-id.js';
import { singleQueryValues } from '../../lib/query-values.js';
import { validate } from '../../lib/validation.js';
import { SuggestionOptions } from '../../views/form-field.js';
import { asActor, ctxOf } from '../../routes/request-context.js';
import { RecordHistory } from '../../views/record-history.js';
import { recordHistory } from '../audit/service.js';
import { readGroupFilter } from '../groups/group-filter.js';
import { registerAccountRoutes } from '../people/account-routes.js';
import { addPersonFromForm } from '../people/new-person-form.js';
import type { PersonKind } from '../people/person-kind.js';
import { registerPhotoRoutes } from '../people/photo-routes.js';
import { addExportRoutes } from '../../routes/export-sheet.js';
import { LecturerChoicesQuery, ListLecturersQuery, lecturerSorts } from './schemas.js';
import { exportColumns, exportValues, formValuesFromBody, formValuesOfRecord, inputFromForm } from '../../lib/record-fields.js';
import { ARCHIVED_COLUMN } from '../../routes/export-sheet.js';
import { lecturerFields } from './fields.js';
import * as lecturers from './service.js';
import { LecturerFormPage, type LecturerFormValues } from './views/lecturer-form-page.js';
import { teachingOfLecturer } from './teaching.js';
import { LecturerPage, type LecturerPageProps } from './views/lecturer-page.js';
import { LecturersPage, type LecturerFilterValues } from './views/lecturers-page.js';

type Query = Record<string, unknown>;

/** The form's values as sent: every declared form field (the username only on the new-lecturer form). */
function formValues(body: unknown, isNew: boolean): LecturerFormValues {
  return formValuesFromBody(lecturerFields, body, isNew);
}

/** What the service receives: an unticked checkbox sends nothing, so the admin flag is always explicit. */
function inputOf(values: LecturerFormValues): Record<string, unknown> {
  return inputFromForm(lecturerFields, values);
}

function filterOf(query: Query): { filter: LecturerFilterValues; page: number; message: string | null } {
  const { q, group, sort, page, problems, values } = readListFilter(query, ListLecturersQuery, lecturerSorts);
  const degree = (values.degree ?? '').trim().slice(0, 100);
  return { filter: { q, degree, group, sort, archived: values.archived === 'true' }, page, message: problems.length ? problems.join(' ') : null };
}

function serviceQuery(filter: LecturerFilterValues) {
  return { q: filter.q, degree: filter.degree, group: filter.group ? Number(filter.group) : '', sort: filter.sort, archived: filter.archived };
}

async function recordPage(request: FastifyRequest, reply: FastifyReply, id: number, extra: Partial<LecturerPageProps> = {}): Promise<LecturerPageProps> {
  const ctx = ctxOf(request);
  const lecturer = await lecturers.getLecturer(ctx, id);
  const mayManage = can(ctx.actor, 'lecturers.manage');
  const account = mayManage ? await lecturers.accountOfLecturer(ctx, id) : undefined;
  return {
    page: reply.pageContext(),
    lecturer,
    mayManage,
    own: ctx.actor.lecturerId === id,
    account,
    accountIsSelf: account ? account.id === ctx.actor.userId : false,
    history: can(ctx.actor, 'audit.view') ? <RecordHistory {...await recordHistory(ctx, 'lecturer', id)} /> : '',
    teaching: await teachingOfLecturer(ctx, lecturer),
    now: ctx.clock.now(),
    ...extra,
  };
}

const lecturerKind: PersonKind = {
  base: '/lecturers',
  noun: 'lecturer',
  manage: 'lecturers.manage',
  get: lecturers.getLecturer,
  photoFileId: lecturers.lecturerPhotoFileId,
  setPhotoFiles: lecturers.setLecturerPhotoFiles,
  accountOf: lecturers.accountOfLecturer,
  recordPage: async (request, reply, id, extra) => <LecturerPage {...await recordPage(request, reply, id, extra)} />,
};

export default async function lecturerRoutes(app: FastifyInstance) {
  app.get<{ Querystring: Query }>('/', async (request, reply) => {
    const ctx = ctxOf(request);
    if (!can(ctx.actor, 'lecturers.manage')) {
      // A lecturer sees their own record only (My record); anyone else may not look.
      if (ctx.actor.lecturerId !== null && can(ctx.actor, 'records.viewOwn')) return reply.redirect(`/lecturers/${ctx.actor.lecturerId}`, 303);
      throw new Forbidden();
    }
    const { filter: fromAddress, page, message: addressMessage } = filterOf(request.query);
    const { group, picker, message: groupMessage } = await readGroupFilter(ctx, request.query, fromAddress.group);
    const filter = { ...fromAddress, group };
    const message = [addressMessage, groupMessage].filter(Boolean).join(' ') || null;
    const [list, degrees] = await Promise.all([lecturers.listLecturers(ctx, { ...serviceQuery(filter), page }), lecturers.lecturerDegrees(ctx)]);
    return reply.html(
      <LecturersPage
        page={reply.pageContext()}
        lecturers={list.items}
        total={list.total ?? list.items.length}
        totalIsAtLeast={list.totalIsAtLeast}
        pageNumber={page}
        pageSize={list.pageSize}
        filter={filter}
        degrees={filter.degree && !degrees.includes(filter.degree) ? [...degrees, filter.degree] : degrees}
        groupPicker={picker}
        message={message}
      />,
    );
  });

  addExportRoutes(app, (request: FastifyRequest<{ Querystring: Query }>) => {
    const ctx = ctxOf(request);
    authorize(ctx.actor, 'lecturers.manage');
    const { filter } = filterOf(request.query);
    const columns = [
      ...exportColumns(lecturerFields, { includePrivate: true }),
      { header: 'Groups taught', key: 'groups', width: 30 },
      ...(filter.archived ? [ARCHIVED_COLUMN] : []),
    ];
    return {
      basename: filter.archived ? 'lecturers-archived' : 'lecturers',
      sheetName: 'Lecturers',
      today: ctx.clock.now(),
      columns,
      rows: lecturers.exportLecturers(ctx, serviceQuery(filter)),
      toRecord: (l) => ({ ...exportValues(lecturerFields, l), groups: l.groupsTaught.map((g) => g.name).join(', '), archived: l.archived ? 'yes' : 'no' }),
    };
  });

  // A lecturer picker's suggestions as an admin types (views/form-field SuggestedInput): a fragment
  // of datalist options, the few active lecturers whose names or e-mails hold the text, as labels.
  app.get<{ Querystring: Query }>('/choices', async (request, reply) => {
    const ctx = ctxOf(request);
    authorize(ctx.actor, 'lecturers.manage');
    const query = validate(LecturerChoicesQuery, singleQueryValues(LecturerChoicesQuery, request.query));
    const labels = (await lecturers.lecturerChoices(ctx, query.q ?? query.lecturerName ?? '')).map((l) => l.label);
    return reply.html(<SuggestionOptions names={labels} />);
  });

  app.get('/new', async (request, reply) => {
    const ctx = ctxOf(request);
    authorize(ctx.actor, 'lecturers.manage');
    return reply.html(<LecturerFormPage page={reply.pageContext()} lecturer={null} values={{}} degrees={await lecturers.lecturerDegrees(ctx)} formId={randomUUID()} />);
  });

  app.post('/', async (request, reply) =>
    addPersonFromForm(request, reply, lecturerKind, {
      valuesOf: (fields) => formValues(fields, true),
      create: async (tx, values, formId) => {
        const { lecturer, account } = await lecturers.createLecturer(tx, inputOf(values), { formId });
        return { ...lecturer, account };
      },
      get: lecturers.getLecturer,
      formPage: async (values, state) => (
        <LecturerFormPage page={reply.pageContext()} lecturer={null} values={values} degrees={await lecturers.lecturerDegrees(ctxOf(request))} {...state} />
      ),
    }),
  );

  app.get<{ Params: { id: string } }>('/:id', async (request, reply) => {
    return reply.html(<LecturerPage {...await recordPage(request, reply, idOf(request))} />);
  });

  app.get<{ Params: { id: string } }>('/:id/edit', async (request, reply) => {
    const ctx = ctxOf(request);
    authorize(ctx.actor, 'lecturers.manage');
    const l = await lecturers.getLecturer(ctx, idOf(request));
    const values: LecturerFormValues = formValuesOfRecord(lecturerFields, l);
    return reply.html(<LecturerFormPage page={reply.pageContext()} lecturer={{ id: l.id, name: fullName(l) }} values={values} degrees={await lecturers.lecturerDegrees(ctx)} />);
  });

  app.post<{ Params: { id: string }; Body: Record<string, unknown> }>('/:id', async (request, reply) => {
    const ctx = ctxOf(request);
    const id = idOf(request);
    const values = formValues(request.body, false);
    try {
      const lecturer = await asActor(request, (tx) => lecturers.updateLecturer(tx, id, inputOf(values)));
      reply.flash('success', `Saved the record of ${fullName(lecturer)}.`);
      return reply.redirect(`/lecturers/${lecturer.id}`, 303);
    } catch (error) {
      // An admin may not take away their own admin rights: said beside the switch.
      const ownRights = error instanceof Forbidden && can(ctx.actor, 'lecturers.manage') && ctx.actor.lecturerId === id;
      if (!(error instanceof Invalid || error instanceof Conflict || ownRights)) throw error;
      const e = error as AppError;
      const l = await lecturers.getLecturer(ctx, id);
      reply.code(ownRights ? 422 : e.statusCode);
      return reply.html(
        <LecturerFormPage
          page={reply.pageContext()}
          lecturer={{ id: l.id, name: fullName(l) }}
          values={values}
          degrees={await lecturers.lecturerDegrees(ctx)}
          errors={ownRights ? { isAdmin: e.message } : e.fields}
          message={ownRights ? 'Nothing was saved.' : formMessage(e)}
        />,
      );
    }
  });

  for (const [path, archived] of [
    ['archive', true],
    ['restore', false],
  ] as const) {
    app.post<{ Params: { id: string } }>(`/:id/${path}`, async (request, reply) => {
      const id = idOf(request);
      try {
        const lecturer = await asActor(request, (tx) => lecturers.archiveLecturer(tx, id, archived));
        reply.flash('success', archived ? `${fullName(lecturer)} is archived: left out of the lists, kept in the history.` : `${fullName(lecturer)} is restored.`);
      } catch (error) {
        if (!(error instanceof Invalid)) throw error;
        reply.flash('danger', error.message);
      }
      return reply.redirect(`/lecturers/${id}`, 303);
    });
  }

  registerPhotoRoutes(app, lecturerKind);
  registerAccountRoutes(app, lecturerKind);
}
