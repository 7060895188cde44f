// Student pages under /students, and /my-record for a student. Admins list, add, edit, archive,
// upload photos and look after the linked account; lecturers see the students of the groups they
// teach (what teaching needs); a student sees their own record only. Records outside the actor's
// scope answer 404 (the service's scope), actions the actor may not take 403.
import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { authorize, can, ownsStudentRecord } from '../../access.js';
import { fullName } from '../../lib/people.js';
import { Conflict, Invalid, NotFound } from '../../lib/errors.js';
import { validate } from '../../lib/validation.js';
import type { TSchema } from 'typebox';
import { requireActor } from '../../plugins/session.js';
import { formMessage } from '../../routes/form-messages.js';
import { readListFilter } from '../../routes/list-filter.js';
import { idOf } from '../../routes/record-id.js';
import { asActor, ctxOf, type RequestContext } from '../../routes/request-context.js';
import type { TypeAheadSuggestions } from '../../views/form-field.js';
import { RecordHistory } from '../../views/record-history.js';
import { recordHistory } from '../audit/service.js';
import { GROUP_CHOICES_ADDRESS, groupSuggestions, readGroupFilter } from '../groups/group-filter.js';
import * as groups from '../groups/service.js';
import { registerAccountRoutes } from '../people/account-routes.js';
import { addPersonFromForm } from '../people/new-person-form.js';
import type { PersonKind } from '../people/person-kind.js';
import { registerPhotoRoutes } from '../people/photo-routes.js';
import { ARCHIVED_COLUMN } from '../../routes/export-sheet.js';
import { exportColumns, exportValues, formValuesFromBody, formValuesOfRecord, inputFromForm } from '../../lib/record-fields.js';
import { studentFields } from './fields.js';
import * as students from './service.js';
import { studiesOfStudent } from './studies.js';
import type { StudentView } from './service.js';
import { CreateStudentInput, ListStudentsQuery, studentSorts, UpdateStudentInput } from './schemas.js';
import { addExportRoutes } from '../../routes/export-sheet.js';
import { StudentFormPage, type StudentFormValues } from './views/student-form-page.js';
import { StudentPage, type StudentPageProps } from './views/student-page.js';
import { StudentsPage, type StudentFilterValues } from './views/students-page.js';

type Query = Record<string, unknown>;

/** The form's values as sent: every declared form field (the username only on the new-student form). */
function formValues(body: unknown, isNew: boolean): StudentFormValues {
  return formValuesFromBody(studentFields, body, isNew);
}

/** What the service receives from the form: an empty group choice means no group. */
function inputOf(values: StudentFormValues): Record<string, unknown> {
  return inputFromForm(studentFields, values);
}

/** The list's filter from the address bar; anything unusable is dropped and explained. */
function filterOf(query: Query, mayManage: boolean): { filter: StudentFilterValues; page: number; message: string | null } {
  const { q, group, sort, page, problems, values } = readListFilter(query, ListStudentsQuery, studentSorts);
  return { filter: { q, group, sort, archived: mayManage && values.archived === 'true' }, page, message: problems.length ? problems.join(' ') : null };
}

function serviceQuery(filter: StudentFilterValues) {
  return { q: filter.q, group: filter.group ? Number(filter.group) : '', sort: filter.sort, archived: filter.archived };
}

/** The group field's first suggestions after what was typed (groups/group-filter.ts), with their source. */
async function groupFieldSuggestions(ctx: RequestContext, typed = ''): Promise<TypeAheadSuggestions> {
  return { names: await groupSuggestions(ctx, typed), source: GROUP_CHOICES_ADDRESS };
}

/**
 * The service's input from the form, whose group field holds a group's name: the id it names, or,
 * when it names none, the form refused with the closest groups named, together with what the
 * record's rule finds wrong in the other fields (nothing is written).
 */
async function inputWithGroup(ctx: RequestContext, values: StudentFormValues, rule: TSchema): Promise<Record<string, unknown>> {
  const input = inputOf(values);
  const typed = (values.groupId ?? '').trim();
  if (!typed) return { ...input, groupId: null };
  const lookup = await groups.groupNamed(ctx, typed);
  if (lookup.group) return { ...input, groupId: lookup.group.id };
  const names = lookup.matches.map((g) => g.name);
  const groupId =
    names.length === 0
      ? `No group is named "${typed}", and no group's name contains it or any of its words: check the spelling, find the group on the Groups page, or leave the field empty for no group.`
      : `No group is named "${typed}". Did you mean ${names.length === 1 ? names[0] : `${names.slice(0, -1).join(', ')} or ${names.at(-1)}`}?`;
  throw new Invalid('Check the highlighted fields.', { ...problemsOf(rule, { ...input, groupId: null }), groupId });
}

/** What the rule refuses in the input, by field (none: {}). */
function problemsOf(rule: TSchema, input: Record<string, unknown>): Record<string, string> {
  try {
    validate(rule, input);
    return {};
  } catch (error) {
    if (error instanceof Invalid) return error.fields;
    throw error;
  }
}

/** The edit form's values: the record's, with its group by name (the field is typed, not chosen from every group). */
function editValues(s: StudentView): StudentFormValues {
  return { ...formValuesOfRecord(studentFields, s), groupId: s.groupName ?? '' };
}

/** The record page's props for the actor (404 outside their scope). */
async function recordPage(request: FastifyRequest, reply: FastifyReply, id: number, extra: Partial<StudentPageProps> = {}): Promise<StudentPageProps> {
  const ctx = ctxOf(request);
  const student = await students.getStudent(ctx, id);
  const mayManage = can(ctx.actor, 'students.manage');
  const account = mayManage ? await students.accountOfStudent(ctx, id) : undefined;
  return {
    page: reply.pageContext(),
    student,
    mayManage,
    linkGroup: can(ctx.actor, 'groups.view'),
    own: ownsStudentRecord(ctx.actor, id),
    account,
    accountIsSelf: account ? account.id === ctx.actor.userId : false,
    history: can(ctx.actor, 'audit.view') ? <RecordHistory {...await recordHistory(ctx, 'student', id)} /> : '',
    studies: await studiesOfStudent(ctx, student),
    timeZone: request.server.deps.config.timeZone,
    now: ctx.clock.now(),
    ...extra,
  };
}

const studentKind: PersonKind = {
  base: '/students',
  noun: 'student',
  manage: 'students.manage',
  get: students.getStudent,
  photoFileId: students.studentPhotoFileId,
  setPhotoFiles: students.setStudentPhotoFiles,
  accountOf: students.accountOfStudent,
  recordPage: async (request, reply, id, extra) => <StudentPage {...await recordPage(request, reply, id, extra)} />,
};

export default async function studentRoutes(app: FastifyInstance) {
  app.get<{ Querystring: Query }>('/', async (request, reply) => {
    const ctx = ctxOf(request);
    // A student has no list to browse: their own record is theirs to see.
    if (!can(ctx.actor, 'students.view') && can(ctx.actor, 'records.viewOwn')) return reply.redirect('/my-record', 303);
    authorize(ctx.actor, 'students.view');
    const mayManage = can(ctx.actor, 'students.manage');
    const { filter: fromAddress, page, message: addressMessage } = filterOf(request.query, mayManage);
    const { group, picker, message: groupMessage } = await readGroupFilter(ctx, request.query, fromAddress.group);
    const filter = { ...fromAddress, group };
    const message = [addressMessage, groupMessage].filter(Boolean).join(' ') || null;
    const list = await students.listStudents(ctx, { ...serviceQuery(filter), page });
    return reply.html(
      <StudentsPage
        page={reply.pageContext()}
        students={list.items}
        total={list.total ?? list.items.length}
        totalIsAtLeast={list.totalIsAtLeast}
        pageNumber={page}
        pageSize={list.pageSize}
        filter={filter}
        groupPicker={picker}
        mayManage={mayManage}
        message={message}
      />,
    );
  });

  addExportRoutes(app, (request: FastifyRequest<{ Querystring: Query }>) => {
    const ctx = ctxOf(request);
    authorize(ctx.actor, 'students.view');
    const full = can(ctx.actor, 'students.manage');
    const { filter } = filterOf(request.query, full);
    // Lecturers' exports hold what teaching needs, as their pages do: no private field.
    const columns = [...exportColumns(studentFields, { includePrivate: full }), ...(filter.archived ? [ARCHIVED_COLUMN] : [])];
    return {
      basename: filter.archived ? 'students-archived' : 'students',
      sheetName: 'Students',
      today: ctx.clock.now(),
      columns,
      rows: students.exportStudents(ctx, serviceQuery(filter)),
      toRecord: (s) => ({ ...exportValues(studentFields, s), group: s.groupName ?? '', archived: s.archived ? 'yes' : 'no' }),
    };
  });

  app.get('/new', async (request, reply) => {
    const ctx = ctxOf(request);
    authorize(ctx.actor, 'students.manage');
    return reply.html(<StudentFormPage page={reply.pageContext()} student={null} values={{}} groupSuggestions={await groupFieldSuggestions(ctx)} formId={randomUUID()} />);
  });

  app.post('/', async (request, reply) =>
    addPersonFromForm(request, reply, studentKind, {
      valuesOf: (fields) => formValues(fields, true),
      create: async (tx, values, formId) => {
        const { student, account } = await students.createStudent(tx, await inputWithGroup(tx, values, CreateStudentInput), { formId });
        return { ...student, account };
      },
      get: students.getStudent,
      formPage: async (values, state) => (
        <StudentFormPage page={reply.pageContext()} student={null} values={values} groupSuggestions={await groupFieldSuggestions(ctxOf(request), values.groupId)} {...state} />
      ),
    }),
  );

  app.get<{ Params: { id: string } }>('/:id', async (request, reply) => {
    return reply.html(<StudentPage {...await recordPage(request, reply, idOf(request))} />);
  });

  app.get<{ Params: { id: string } }>('/:id/edit', async (request, reply) => {
    const ctx = ctxOf(request);
    authorize(ctx.actor, 'students.manage');
    const s = await students.getStudent(ctx, idOf(request));
    // A student in an archived group keeps it when saved: its name still names it.
    return reply.html(<StudentFormPage page={reply.pageContext()} student={{ id: s.id, name: fullName(s) }} values={editValues(s)} groupSuggestions={await groupFieldSuggestions(ctx)} />);
  });

  app.post<{ Params: { id: string }; Body: Record<string, unknown> }>('/:id', async (request, reply) => {
    const ctx = ctxOf(request);
    const id = idOf(request);
    const values = formValues(request.body, false);
    try {
      const student = await asActor(request, async (tx) => students.updateStudent(tx, id, await inputWithGroup(tx, values, UpdateStudentInput)));
      reply.flash('success', `Saved the record of ${fullName(student)}.`);
      return reply.redirect(`/students/${student.id}`, 303);
    } catch (error) {
      if (!(error instanceof Invalid || error instanceof Conflict)) throw error;
      const s = await students.getStudent(ctx, id);
      reply.code(error.statusCode);
      return reply.html(
        <StudentFormPage
          page={reply.pageContext()}
          student={{ id: s.id, name: fullName(s) }}
          values={values}
          groupSuggestions={await groupFieldSuggestions(ctx, values.groupId)}
          errors={error.fields}
          message={formMessage(error)}
        />,
      );
    }
  });

  for (const [path, archived] of [
    ['archive', true],
    ['restore', false],
  ] as const) {
    app.post<{ Params: { id: string } }>(`/:id/${path}`, async (request, reply) => {
      const student = await asActor(request, (tx) => students.archiveStudent(tx, idOf(request), archived));
      reply.flash('success', archived ? `${fullName(student)} is archived: left out of the lists, kept in the history.` : `${fullName(student)} is restored.`);
      return reply.redirect(`/students/${student.id}`, 303);
    });
  }

  registerPhotoRoutes(app, studentKind);
  registerAccountRoutes(app, studentKind);
}

/** "My record": a student's own student record, a lecturer's own lecturer record; others find nothing. */
export async function myRecordRoutes(app: FastifyInstance) {
  app.get('/my-record', async (request, reply) => {
    const actor = requireActor(request);
    if (!can(actor, 'records.viewOwn')) throw new NotFound();
    if (actor.studentId !== null) return reply.redirect(`/students/${actor.studentId}`, 303);
    if (actor.lecturerId !== null) return reply.redirect(`/lecturers/${actor.lecturerId}`, 303);
    throw new NotFound();
  });
}
