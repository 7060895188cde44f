// Subject pages under /subjects: admins create subjects and choose their groups and lecturers;
// lecturers see the subjects they teach, describe them and keep their materials; students see their
// group's subjects as cards with the materials. A material's file is under /materials (materialRoutes, below).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { authorize, can, groupsTaughtBy, type Actor } from '../../access.js';
import { AppError, Conflict, Invalid, type FieldMessages } from '../../lib/errors.js';
import { renderMarkdown } from '../../lib/markdown.js';
import { formValuesFromBody, formValuesOfRecord } from '../../lib/record-fields.js';
import { acceptsFiles, receiveFiles } from '../../plugins/streamed-uploads.js';
import { linesWithAdded } from '../../routes/form-lists.js';
import { formMessage, refusalText } from '../../routes/form-messages.js';
import { loadNamedListPage, namedListLink, readNamedListQuery } from '../../routes/named-list.js';
import { idOf } from '../../routes/record-id.js';
import { asActor, ctxOf, type RequestContext } from '../../routes/request-context.js';
import { sendStoredFile } from '../../routes/send-file.js';
import { RecordHistory } from '../../views/record-history.js';
import { recordHistory } from '../audit/service.js';
import * as exercises from '../exercises/service.js';
import * as groups from '../groups/service.js';
import * as lecturers from '../lecturers/service.js';
import { subjectFields } from './fields.js';
import * as materials from './materials.js';
import { ListSubjectsQuery } from './schemas.js';
import * as subjects from './service.js';
import { MySubjectsPage, SubjectsPage } from './views/subjects-page.js';
import { NewSubjectPage } from './views/new-subject-page.js';
import { SubjectPage } from './views/subject-page.js';
import type { SubjectFormValues } from './views/subject-form.js';

type Query = Record<string, unknown>;
type Body = Record<string, unknown> | undefined;

/** The form's text as sent: the declared fields, the groups and lecturers one a line, and the "Add" boxes. */
function formValues(body: Body, isNew: boolean): SubjectFormValues {
  // The declared fields first (name, description), as the service reads them. An edit changes only
  // what its form sent: a lecturer's form has no name.
  const fields = formValuesFromBody(subjectFields, body, true);
  if (!isNew) for (const name of Object.keys(fields)) if (!body || !(name in body)) delete fields[name];
  const text = (name: string) => (typeof body?.[name] === 'string' ? (body[name] as string) : undefined);
  return {
    ...fields,
    ...(body && 'groups' in body ? { groups: linesWithAdded(text('groups'), text('groupName')) } : {}),
    ...(body && 'lecturers' in body ? { lecturers: linesWithAdded(text('lecturers'), text('lecturerName')) } : {}),
  };
}

/** The form's values for a subject as it is: its groups and lecturers by the names the fields take. */
async function valuesOf(ctx: RequestContext, subject: subjects.SubjectView, mayManage: boolean): Promise<SubjectFormValues> {
  const values: Record<string, string> = { ...formValuesOfRecord(subjectFields, subject) };
  if (!mayManage) return values;
  values.groups = subject.groups.map((g) => g.name).join('\n');
  const labels = await lecturers.lecturerChoicesById(
    ctx,
    subject.lecturers.map((l) => l.id),
  );
  values.lecturers = labels.map((l) => l.label).join('\n');
  return values;
}

/**
 * The form's groups and lecturers, one a line, as ids for the service; every line that names
 * nothing is reported at once, under its field. `keep`: archived ones already chosen may stay.
 */
async function teachingInput(ctx: RequestContext, values: SubjectFormValues, keep: { groups: number[]; lecturers: number[] } = { groups: [], lecturers: [] }) {
  const out: { groupIds?: number[]; lecturerIds?: number[] } = {};
  const fields: FieldMessages = {};
  const lines = (text: string) => text.split(/\r?\n/);
  if (values.groups !== undefined) {
    const found = await groups.groupsNamed(ctx, lines(values.groups), { keep: keep.groups });
    if (found.errors.length) fields.groups = found.errors.join(' ');
    out.groupIds = found.ids;
  }
  if (values.lecturers !== undefined) {
    const found = await lecturers.lecturersNamed(ctx, lines(values.lecturers), { keep: keep.lecturers });
    if (found.errors.length) fields.lecturers = found.errors.join(' ');
    out.lecturerIds = found.ids;
  }
  if (Object.keys(fields).length) throw new Invalid('Check the highlighted fields.', fields);
  return out;
}

/** The declared fields of the form's values, for the service (groups and lecturers go as ids). */
function declared(values: SubjectFormValues): Record<string, string | undefined> {
  return Object.fromEntries(Object.keys(subjectFields).filter((k) => values[k] !== undefined).map((k) => [k, values[k]]));
}

/** The service names the API's fields (groupIds, lecturerIds); the form's are groups and lecturers. */
function onForm(error: Invalid | Conflict): FieldMessages {
  const { groupIds, lecturerIds, ...rest } = error.fields;
  return { ...rest, ...(groupIds ? { groups: groupIds } : {}), ...(lecturerIds ? { lecturers: lecturerIds } : {}) };
}

function isAdminOf(actor: Actor): boolean {
  return can(actor, 'subjects.manage');
}

export default async function subjectRoutes(app: FastifyInstance) {
  app.get<{ Querystring: Query }>('/', async (request, reply) => {
    const ctx = ctxOf(request);
    authorize(ctx.actor, 'subjects.view');
    const mayManage = isAdminOf(ctx.actor);
    // A parameter given twice answers 422, for everyone's list.
    const listQuery = readNamedListQuery(request.query, ListSubjectsQuery, mayManage);
    if (ctx.actor.role === 'student') {
      // A student's subjects are few (their group's): all of them, each with its materials.
      const { items } = await subjects.listSubjects(ctx, { limit: 500 });
      const byId = await materials.materialsOfSubjects(ctx, items);
      return reply.html(
        <MySubjectsPage page={reply.pageContext()} subjects={items.map((subject) => ({ subject, materials: byId.get(subject.id) ?? [] }))} timeZone={request.server.deps.config.timeZone} />,
      );
    }
    const { q, archived, cursor } = listQuery;
    const result = await loadNamedListPage(listQuery, (options) => subjects.listSubjects(ctx, options));
    const link = (extra: Record<string, string>) => namedListLink('/subjects', listQuery, extra);
    return reply.html(
      <SubjectsPage
        page={reply.pageContext()}
        subjects={result.items}
        q={q}
        archived={archived}
        mayManage={mayManage}
        nextHref={result.nextCursor ? link({ cursor: result.nextCursor }) : null}
        firstHref={cursor ? link({}) : null}
      />,
    );
  });

  app.get('/new', async (request, reply) => {
    authorize(ctxOf(request).actor, 'subjects.manage');
    return reply.html(<NewSubjectPage page={reply.pageContext()} />);
  });

  app.post<{ Body: Body }>('/', async (request, reply) => {
    const values = formValues(request.body, true);
    try {
      const subject = await asActor(request, async (ctx) => subjects.createSubject(ctx, { ...declared(values), ...(await teachingInput(ctx, values)) }));
      reply.flash('success', `Subject ${subject.name} created.`);
      return reply.redirect(`/subjects/${subject.id}`, 303);
    } catch (error) {
      if (!(error instanceof Invalid || error instanceof Conflict)) throw error;
      reply.code(error.statusCode);
      return reply.html(<NewSubjectPage page={reply.pageContext()} values={values} errors={onForm(error)} message={formMessage(error)} />);
    }
  });

  async function showSubject(request: FastifyRequest<{ Params: { id: string } }>, reply: FastifyReply, extra: { form?: { values: SubjectFormValues; errors?: FieldMessages; message?: string | null }; uploadError?: string | null } = {}) {
    const ctx = ctxOf(request);
    const subject = await subjects.getSubject(ctx, idOf(request));
    const mayManage = isAdminOf(ctx.actor);
    const mayTeach = subjects.mayTeach(ctx.actor, subject);
    // The subject is read once: its materials and exercises are asked for by the subject in hand.
    const [byId, exerciseList] = await Promise.all([materials.materialsOfSubjects(ctx, [subject]), exercises.exercisesOfShownSubject(ctx, subject)]);
    const list = byId.get(subject.id) ?? [];
    const history = can(ctx.actor, 'audit.view') ? <RecordHistory {...await recordHistory(ctx, 'subject', subject.id)} /> : '';
    const form = extra.form ?? (mayTeach ? { values: await valuesOf(ctx, subject, mayManage) } : undefined);
    return reply.html(
      <SubjectPage
        page={reply.pageContext()}
        subject={subject}
        safeDescription={renderMarkdown(subject.description)}
        materials={list}
        exercises={exerciseList}
        timeZone={request.server.deps.config.timeZone}
        now={ctx.clock.now()}
        mayManage={mayManage}
        mayTeach={mayTeach}
        gradebookGroupIds={groupsTaughtBy(ctx.actor, subject).map((g) => g.id)}
        maxUpload={request.server.deps.config.maxContentLength}
        history={history}
        form={form}
        uploadError={extra.uploadError}
      />,
    );
  }

  app.get<{ Params: { id: string } }>('/:id', async (request, reply) => showSubject(request, reply));

  app.post<{ Params: { id: string }; Body: Body }>('/:id', async (request, reply) => {
    const values = formValues(request.body, false);
    try {
      const subject = await asActor(request, async (ctx) => {
        const before = await subjects.getSubject(ctx, idOf(request));
        const keep = { groups: before.groups.map((g) => g.id), lecturers: before.lecturers.map((l) => l.id) };
        // A lecturer's form has only the description; an admin's names the groups and lecturers.
        const teaching = isAdminOf(ctx.actor) ? await teachingInput(ctx, values, keep) : {};
        return subjects.updateSubject(ctx, before.id, { ...declared(values), ...teaching });
      });
      reply.flash('success', `Subject ${subject.name} saved.`);
      return reply.redirect(`/subjects/${subject.id}`, 303);
    } catch (error) {
      if (!(error instanceof Invalid || error instanceof Conflict)) throw error;
      reply.code(error.statusCode);
      return showSubject(request, reply, { form: { values, errors: onForm(error), message: formMessage(error) } });
    }
  });

  for (const [path, archived] of [
    ['archive', true],
    ['restore', false],
  ] as const) {
    app.post<{ Params: { id: string } }>(`/:id/${path}`, async (request, reply) => {
      const subject = await asActor(request, (ctx) => subjects.archiveSubject(ctx, idOf(request), archived));
      reply.flash('success', archived ? `Subject ${subject.name} archived. Its materials and history are kept.` : `Subject ${subject.name} restored.`);
      return reply.redirect(`/subjects/${subject.id}`, 303);
    });
  }

  // Materials: one or many files, streamed into storage as they arrive, then recorded in one transaction.
  app.post<{ Params: { id: string } }>('/:id/materials', { config: acceptsFiles(materials.MATERIALS_PER_UPLOAD) }, async (request, reply) => {
    const ctx = ctxOf(request);
    // Who may upload is decided before a byte is stored.
    const subject = await materials.subjectToTeach(ctx, idOf(request));
    let received;
    try {
      received = await receiveFiles(request);
    } catch (error) {
      // Too large (413), empty or too many files (422): said above the form; nothing was kept.
      if (!(error instanceof AppError) || error.statusCode >= 500) throw error;
      reply.code(error.statusCode);
      return showSubject(request, reply, { uploadError: refusalText(error) });
    }
    try {
      const added = await asActor(request, (tx) => materials.addMaterials(tx, subject.id, received.files, { title: received.fields.title || undefined }));
      reply.flash('success', added.length === 1 ? `Added ${added[0]!.title}.` : `Added ${added.length} materials.`);
      return reply.redirect(`/subjects/${subject.id}`, 303);
    } catch (error) {
      await received.discard();
      if (!(error instanceof Invalid)) throw error;
      reply.code(error.statusCode);
      return showSubject(request, reply, { uploadError: refusalText(error) });
    }
  });
}

/**
 * A material's file under /materials/:id: the download (Range, ETag, attachment unless asked to
 * show a passive type inline, routes/send-file.ts), its replacement and its deletion. Who may
 * download is whoever may see the subject (its groups' students, its lecturers, admins); anyone
 * else gets 404, as for a material that does not exist.
 */
export async function materialRoutes(app: FastifyInstance) {
  app.get<{ Params: { id: string }; Querystring: Query }>('/:id/file', async (request, reply) => {
    return sendStoredFile(request, reply, await materials.materialFile(ctxOf(request), idOf(request)), { inline: request.query.inline === '1' });
  });

  app.post<{ Params: { id: string } }>('/:id/file', { config: acceptsFiles(1) }, async (request, reply) => {
    const ctx = ctxOf(request);
    const before = await materials.getMaterial(ctx, idOf(request));
    // Checked before a byte is stored: only the subject's teachers may replace its files.
    await materials.subjectToTeach(ctx, before.subjectId);
    let received;
    try {
      received = await receiveFiles(request);
    } catch (error) {
      if (!(error instanceof AppError) || error.statusCode >= 500) throw error;
      reply.flash('danger', refusalText(error));
      return reply.redirect(`/subjects/${before.subjectId}`, 303);
    }
    try {
      const replaced = await asActor(request, (tx) => materials.replaceMaterial(tx, before.id, received.files[0]!));
      await replaced.afterCommit();
      reply.flash('success', `Replaced the file of ${replaced.title}.`);
      return reply.redirect(`/subjects/${before.subjectId}`, 303);
    } catch (error) {
      await received.discard();
      throw error;
    }
  });

  app.post<{ Params: { id: string } }>('/:id/delete', async (request, reply) => {
    const deleted = await asActor(request, (tx) => materials.deleteMaterial(tx, idOf(request)));
    await deleted.afterCommit();
    reply.flash('success', `Deleted ${deleted.title}.`);
    return reply.redirect(`/subjects/${deleted.subjectId}`, 303);
  });
}
