// Lecturer pages under /lecturers. Admins list, add, edit, archive, upload photos, set the admin
// flag and look after the linked account; a lecturer sees their own record only (others 404).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { authorize, can } from '../../access.js';
import { DEFAULT_PHOTO_LIMITS } from '../../lib/images.js';
import { fullName } from '../../lib/people.js';
import { AppError, Conflict, Forbidden, Invalid, NotFound } from '../../lib/errors.js';
import { readUpload, type Upload } from '../../plugins/uploads.js';
import { requireActor } from '../../plugins/session.js';
import { RecordHistory } from '../../views/record-history.js';
import { recordHistory } from '../audit/service.js';
import * as accounts from '../accounts/service.js';
import * as groups from '../groups/service.js';
import { deletePhotoFiles, discardPhotoObjects, openPhoto, photoInfo, storePhoto, type DeletedPhotoFiles } from '../photos/service.js';
import { sendPhoto } from '../photos/send-photo.js';
import { sendSheet, type ExportFormat } from '../../plugins/export-sheet.js';
import { readFormWithOptionalFile } from '../../plugins/multipart-form.js';
import { lecturerSorts } from './schemas.js';
import * as lecturers from './service.js';
import { LecturerFormPage, type LecturerFormValues } from './views/lecturer-form-page.js';
import { LecturerPage, type LecturerPageProps } from './views/lecturer-page.js';
import { LecturersPage, type LecturerFilterValues } from './views/lecturers-page.js';

export const PHOTO_MAX_BYTES = DEFAULT_PHOTO_LIMITS.maxBytes;

type Query = Record<string, string | undefined>;
type IdRequest = FastifyRequest<{ Params: { id: string } }>;

function ctxOf(request: FastifyRequest) {
  return { ...request.ctx(), actor: requireActor(request) };
}

function asActor<T>(request: FastifyRequest, work: (ctx: ReturnType<typeof ctxOf>) => Promise<T>): Promise<T> {
  const actor = requireActor(request);
  return request.inTransaction((ctx) => work({ ...ctx, actor }));
}

function idOf(request: IdRequest): number {
  const id = Number(request.params.id);
  return Number.isSafeInteger(id) && id > 0 ? id : 0;
}

const textFields = ['firstName', 'lastName', 'patronymic', 'academicDegree', 'position', 'email', 'phone', 'address', 'username'] as const;

/** The form's values; an unticked checkbox sends nothing, so the admin flag is always explicit. */
function formValues(body: unknown, withUsername: boolean): LecturerFormValues & { isAdmin: boolean } {
  const b = (body ?? {}) as Record<string, unknown>;
  const out: LecturerFormValues = {};
  for (const f of textFields) if (withUsername || f !== 'username') out[f] = typeof b[f] === 'string' ? b[f] : '';
  const flag = Array.isArray(b.isAdmin) ? b.isAdmin.at(-1) : b.isAdmin;
  return { ...out, isAdmin: flag === 'true' || flag === 'on' };
}

function filterOf(query: Query): { filter: LecturerFilterValues; page: number; message: string | null } {
  const problems: string[] = [];
  const q = (query.q ?? '').trim().slice(0, 100);
  const degree = (query.degree ?? '').trim().slice(0, 100);
  let group = query.group ?? '';
  if (group && !/^[1-9]\d{0,9}$/.test(group)) {
    problems.push('The group filter was not understood and is ignored.');
    group = '';
  }
  let sort = query.sort || 'name';
  if (!(lecturerSorts as readonly string[]).includes(sort)) {
    problems.push(`Sort by one of: ${lecturerSorts.join(', ')}; sorted by name instead.`);
    sort = 'name';
  }
  const pageText = query.page ?? '1';
  const page = /^[1-9]\d{0,5}$/.test(pageText) ? Number(pageText) : 1;
  return { filter: { q, degree, group, sort, archived: query.archived === 'true' }, page, message: problems.length ? problems.join(' ') : null };
}

function serviceQuery(filter: LecturerFilterValues) {
  return { q: filter.q, degree: filter.degree, group: filter.group ? Number(filter.group) : '', sort: filter.sort, archived: filter.archived };
}

function noStore(reply: FastifyReply) {
  reply.header('Cache-Control', 'no-store');
}

function photoMessage(error: AppError): string {
  return error.fields.photo ?? error.fields.file ?? error.message;
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
    now: ctx.clock.now(),
    ...extra,
  };
}

export default async function lecturerRoutes(app: FastifyInstance) {
  app.get<{ Querystring: Query }>('/', async (request, reply) => {
    const ctx = ctxOf(request);
    if (!can(ctx.actor, 'lecturers.manage')) {
      // A lecturer sees their own record only.
      if (ctx.actor.role === 'lecturer' && ctx.actor.lecturerId !== null) return reply.redirect(`/lecturers/${ctx.actor.lecturerId}`, 303);
      throw new Forbidden();
    }
    const { filter, page, message } = filterOf(request.query);
    const [list, degrees, groupList] = await Promise.all([lecturers.listLecturers(ctx, { ...serviceQuery(filter), page }), lecturers.lecturerDegrees(ctx), groups.groupChoices(ctx)]);
    return reply.html(
      <LecturersPage
        page={reply.pageContext()}
        lecturers={list.items}
        total={list.total ?? list.items.length}
        pageNumber={page}
        pageSize={list.pageSize}
        filter={filter}
        degrees={filter.degree && !degrees.includes(filter.degree) ? [...degrees, filter.degree] : degrees}
        groups={groupList}
        message={message}
      />,
    );
  });

  for (const format of ['xlsx', 'csv'] as const satisfies readonly ExportFormat[]) {
    app.get<{ Querystring: Query }>(`/export.${format}`, async (request, reply) => {
      const ctx = ctxOf(request);
      authorize(ctx.actor, 'lecturers.manage');
      const { filter } = filterOf(request.query);
      const columns = [
        { header: 'Last name', key: 'lastName', width: 20 },
        { header: 'First name', key: 'firstName', width: 20 },
        { header: 'Patronymic', key: 'patronymic', width: 20 },
        { header: 'Academic degree', key: 'academicDegree', width: 16 },
        { header: 'Position', key: 'position', width: 24 },
        { header: 'E-mail', key: 'email', width: 30 },
        { header: 'Phone', key: 'phone', width: 18 },
        { header: 'Address', key: 'address', width: 40 },
        { header: 'Admin', key: 'admin', width: 8 },
        { header: 'Groups taught', key: 'groups', width: 30 },
        ...(filter.archived ? [{ header: 'Archived', key: 'archived', width: 10 }] : []),
      ];
      return sendSheet(reply, {
        format,
        basename: filter.archived ? 'lecturers-archived' : 'lecturers',
        sheetName: 'Lecturers',
        today: ctx.clock.now(),
        columns,
        rows: lecturers.exportLecturers(ctx, serviceQuery(filter)),
        toRecord: (l) => ({ ...l, admin: l.isAdmin ? 'yes' : 'no', groups: l.groupsTaught.map((g) => g.name).join(', '), archived: l.archived ? 'yes' : 'no' }),
        log: request.log,
      });
    });
  }

  app.get('/new', async (request, reply) => {
    const ctx = ctxOf(request);
    authorize(ctx.actor, 'lecturers.manage');
    return reply.html(<LecturerFormPage page={reply.pageContext()} lecturer={null} values={{}} degrees={await lecturers.lecturerDegrees(ctx)} />);
  });

  app.post('/', async (request, reply) => {
    const ctx = ctxOf(request);
    authorize(ctx.actor, 'lecturers.manage');
    const form = await readFormWithOptionalFile(request, { field: 'photo', maxBytes: PHOTO_MAX_BYTES });
    const values = formValues(form.fields, true);
    const again = async (error: AppError, errors: Record<string, string>) => {
      reply.code(error.statusCode);
      return reply.html(<LecturerFormPage page={reply.pageContext()} lecturer={null} values={values} degrees={await lecturers.lecturerDegrees(ctx)} errors={errors} message={error.message} />);
    };
    if (form.fileError) return again(form.fileError, { photo: photoMessage(form.fileError) });
    let storedKeys: string[] = [];
    try {
      const created = await asActor(request, async (tx) => {
        const made = await lecturers.createLecturer(tx, values);
        if (form.file) {
          const stored = await storePhoto(tx, form.file);
          storedKeys = stored.storageKeys;
          await lecturers.setLecturerPhotoFiles(tx, made.lecturer.id, { photoFileId: stored.photoFileId, thumbnailFileId: stored.thumbnailFileId });
        }
        return made;
      });
      const props = await recordPage(request, reply, created.lecturer.id, {
        credentials: { ...created.account, password: created.account.oneTimePassword, title: `Lecturer ${fullName(created.lecturer)} added, with a sign-in account` },
      });
      noStore(reply);
      reply.code(201);
      return reply.html(<LecturerPage {...props} />);
    } catch (error) {
      if (storedKeys.length) await discardPhotoObjects(ctx, storedKeys);
      if (!(error instanceof Invalid || error instanceof Conflict)) throw error;
      return again(error, error.fields);
    }
  });

  app.get<{ Params: { id: string } }>('/:id', async (request, reply) => {
    return reply.html(<LecturerPage {...await recordPage(request, reply, idOf(request))} />);
  });

  app.get<{ Params: { id: string } }>('/:id/edit', async (request, reply) => {
    const ctx = ctxOf(request);
    authorize(ctx.actor, 'lecturers.manage');
    const l = await lecturers.getLecturer(ctx, idOf(request));
    const values: LecturerFormValues = {
      firstName: l.firstName,
      lastName: l.lastName,
      patronymic: l.patronymic,
      academicDegree: l.academicDegree,
      position: l.position,
      email: l.email ?? '',
      phone: l.phone ?? '',
      address: l.address ?? '',
      isAdmin: l.isAdmin,
    };
    return reply.html(<LecturerFormPage page={reply.pageContext()} lecturer={{ id: l.id, name: fullName(l) }} values={values} degrees={await lecturers.lecturerDegrees(ctx)} />);
  });

  app.post<{ Params: { id: string }; Body: Record<string, unknown> }>('/:id', async (request, reply) => {
    const ctx = ctxOf(request);
    const id = idOf(request);
    const values = formValues(request.body, false);
    try {
      const lecturer = await asActor(request, (tx) => lecturers.updateLecturer(tx, id, values));
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
          message={ownRights ? 'Nothing was saved.' : e.message}
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

  // ---- photos ----------------------------------------------------------------------------------

  for (const size of ['photo', 'thumbnail'] as const) {
    app.get<{ Params: { id: string } }>(size === 'photo' ? '/:id/photo' : '/:id/photo/thumbnail', async (request, reply) => {
      const ctx = ctxOf(request);
      const fileId = await lecturers.lecturerPhotoFileId(ctx, idOf(request), size);
      const info = await photoInfo(ctx, fileId);
      return sendPhoto(reply, request.headers['if-none-match'], { ...info, open: async () => (await openPhoto(ctx, fileId)).stream });
    });
  }

  app.post<{ Params: { id: string } }>('/:id/photo', async (request, reply) => {
    const ctx = ctxOf(request);
    authorize(ctx.actor, 'lecturers.manage');
    const id = idOf(request);
    await lecturers.getLecturer(ctx, id);
    const refused = async (error: AppError) => {
      reply.code(error.statusCode);
      return reply.html(<LecturerPage {...await recordPage(request, reply, id, { photoError: photoMessage(error) })} />);
    };
    let upload: Upload;
    try {
      upload = await readUpload(request, { field: 'photo', maxBytes: PHOTO_MAX_BYTES });
    } catch (error) {
      if (error instanceof AppError) return refused(error);
      if ((error as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE') return refused(new AppError(413, 'too_large', `The photo is larger than ${PHOTO_MAX_BYTES / 1024 / 1024} MB.`));
      throw error;
    }
    let storedKeys: string[] = [];
    let replaced: DeletedPhotoFiles | null = null;
    try {
      await asActor(request, async (tx) => {
        const stored = await storePhoto(tx, upload);
        storedKeys = stored.storageKeys;
        const { previous } = await lecturers.setLecturerPhotoFiles(tx, id, { photoFileId: stored.photoFileId, thumbnailFileId: stored.thumbnailFileId });
        replaced = await deletePhotoFiles(tx, previous);
      });
    } catch (error) {
      if (storedKeys.length) await discardPhotoObjects(ctx, storedKeys);
      if (error instanceof Invalid) return refused(error);
      throw error;
    }
    await (replaced as DeletedPhotoFiles | null)?.removeStoredObjects();
    reply.flash('success', 'Photo saved.');
    return reply.redirect(`/lecturers/${id}`, 303);
  });

  app.post<{ Params: { id: string } }>('/:id/photo/remove', async (request, reply) => {
    const id = idOf(request);
    let removed: DeletedPhotoFiles | null = null;
    await asActor(request, async (tx) => {
      authorize(tx.actor, 'lecturers.manage');
      const lecturer = await lecturers.getLecturer(tx, id);
      if (!lecturer.hasPhoto) return;
      const { previous } = await lecturers.setLecturerPhotoFiles(tx, id, { photoFileId: null, thumbnailFileId: null });
      removed = await deletePhotoFiles(tx, previous);
    });
    await (removed as DeletedPhotoFiles | null)?.removeStoredObjects();
    reply.flash('success', 'Photo removed.');
    return reply.redirect(`/lecturers/${id}`, 303);
  });

  // ---- the linked account ----------------------------------------------------------------------

  async function linkedAccount(ctx: ReturnType<typeof ctxOf>, id: number) {
    const account = await lecturers.accountOfLecturer(ctx, id);
    if (!account) throw new NotFound('This lecturer has no sign-in account.');
    return account;
  }

  app.post<{ Params: { id: string } }>('/:id/account/reset-password', async (request, reply) => {
    const id = idOf(request);
    const reset = await asActor(request, async (tx) => accounts.resetPassword(tx, (await linkedAccount(tx, id)).id));
    const props = await recordPage(request, reply, id, {
      credentials: { username: reset.user.username, password: reset.oneTimePassword, title: 'New one-time password' },
    });
    noStore(reply);
    return reply.html(<LecturerPage {...props} />);
  });

  for (const [path, disabled] of [
    ['disable', true],
    ['enable', false],
  ] as const) {
    app.post<{ Params: { id: string } }>(`/:id/account/${path}`, async (request, reply) => {
      const id = idOf(request);
      const account = await asActor(request, async (tx) => accounts.setAccountDisabled(tx, (await linkedAccount(tx, id)).id, disabled));
      reply.flash('success', disabled ? `Account ${account.username} is disabled and signed out everywhere.` : `Account ${account.username} is enabled.`);
      return reply.redirect(`/lecturers/${id}`, 303);
    });
  }
}
