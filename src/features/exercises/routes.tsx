// Exercise pages under /exercises: a subject's lecturers (and admins) set an exercise for some of its
// groups from the subject page, then change, delete it or release its scores on its own page;
// students of those groups read it there and send it from My exercises. Anyone else: 404.
// Its brief (one optional file) is under /exercises/:id/brief: teachers attach, replace or remove it
// on the page, everyone who sees the exercise downloads it.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { can, type Actor } from '../../access.js';
import { instantFromLocal, localInputValue } from '../../lib/department-time.js';
import { AppError, Conflict, Forbidden, Invalid, type FieldMessages } from '../../lib/errors.js';
import { renderMarkdown } from '../../lib/markdown.js';
import { formValuesFromBody, formValuesOfRecord } from '../../lib/record-fields.js';
import { acceptsFiles, receiveFiles } from '../../plugins/streamed-uploads.js';
import { idsFromForm, tickedValues } from '../../routes/form-lists.js';
import { formMessage, refusalText } from '../../routes/form-messages.js';
import { idOf } from '../../routes/record-id.js';
import { asActor, ctxOf, type RequestContext } from '../../routes/request-context.js';
import { sendStoredFile } from '../../routes/send-file.js';
import { RecordHistory } from '../../views/record-history.js';
import { recordHistory } from '../audit/service.js';
import * as subjects from '../subjects/service.js';
import * as briefs from './brief.js';
import { DueAtInput, exerciseFields, ScoreReleaseInput } from './fields.js';
import { CreateExerciseInput } from './schemas.js';
import * as exercises from './service.js';
import * as submissions from './submissions.js';
import type { ExerciseFormValues, GroupChoice } from './views/exercise-form.js';
import { ExercisePage } from './views/exercise-page.js';
import { NewExercisePage } from './views/new-exercise-page.js';

type Body = Record<string, unknown> | undefined;

/** What a due time the department's zone cannot read is refused with; a browser's date picker never sends one. */
const UNREADABLE_DUE = 'unreadable due time';

/** The form as typed, to show again when it is refused. */
function formValues(body: Body): ExerciseFormValues {
  return { ...formValuesFromBody(exerciseFields, body, true), groupIds: tickedValues(body, 'groupIds') };
}

/**
 * The form's input for the service: the ticked groups as ids, the due time read in the department's
 * zone (empty: none). A time the zone cannot read goes on as text the schema refuses, so the
 * service reports it together with every other field's problem (onForm words it for the form).
 */
function serviceInput(body: Body, values: ExerciseFormValues, timeZone: string) {
  const due = values.dueAt?.trim() ?? '';
  const at = due ? instantFromLocal(due, timeZone) : null;
  return {
    title: body?.title,
    text: body?.text,
    groupIds: idsFromForm(values.groupIds ?? []),
    dueAt: due === '' ? null : at ? at.toISOString() : UNREADABLE_DUE,
    scoreRelease: body?.scoreRelease === undefined || body.scoreRelease === '' ? 'on-scoring' : body.scoreRelease,
  };
}

/** The service's field messages, worded for the form where the schema's are the API's (ids, offsets). */
function onForm(error: Invalid | Conflict, timeZone: string): FieldMessages {
  const fields = { ...error.fields };
  const schemaSays = (schema: object) => (schema as { errorMessage?: string }).errorMessage;
  if (fields.groupIds === schemaSays(CreateExerciseInput.properties.groupIds)) fields.groupIds = 'Tick one or more of the groups.';
  if (fields.dueAt === schemaSays(DueAtInput)) fields.dueAt = `Give the due date and time in ${timeZone} as the date picker offers it, e.g. 2026-12-10T23:59, or leave it empty for no due time.`;
  if (fields.scoreRelease === schemaSays(ScoreReleaseInput)) fields.scoreRelease = 'Choose when students see their scores.';
  return fields;
}

/**
 * The groups an edit form offers: those the actor may set it for, and those it is set for that the
 * actor may not change (another lecturer's), shown ticked and fixed.
 */
function groupChoices(actor: Actor, subject: subjects.SubjectView, setFor: readonly subjects.Named[] = []): GroupChoice[] {
  const settable = exercises.settableGroups(actor, subject);
  const fixed = setFor.filter((g) => !settable.some((s) => s.id === g.id)).map((g) => ({ ...g, fixed: true }));
  return [...settable, ...fixed].sort((a, b) => a.name.localeCompare(b.name));
}

/** The subject whose exercises the actor sets: 404 unless they see it, 403 unless they teach it. */
async function subjectToTeach(ctx: RequestContext, subjectId: number): Promise<subjects.SubjectView> {
  const subject = await subjects.getSubject(ctx, subjectId);
  if (!subjects.mayTeach(ctx.actor, subject)) throw new Forbidden('Only an admin or a lecturer who teaches this subject may set, change or delete its exercises.');
  return subject;
}

/** The `subject` of /exercises/new?subject=ID; anything but a positive integer finds no subject (404). */
function subjectIdOf(value: unknown): number {
  const id = typeof value === 'string' && /^\d{1,15}$/.test(value) ? Number(value) : 0;
  return Number.isSafeInteger(id) && id > 0 ? id : 0;
}

/** The edit form's values: the due time as the department's wall time, as the form takes it. */
function valuesOf(exercise: exercises.ExerciseView, timeZone: string): ExerciseFormValues {
  return {
    ...formValuesOfRecord(exerciseFields, exercise),
    groupIds: exercise.groups.map((g) => String(g.id)),
    dueAt: exercise.dueAt ? localInputValue(exercise.dueAt, timeZone) : '',
  };
}

/** Whether the actor is one who may set exercises at all (admins, lecturers): students never teach. */
function mayTeachAny(actor: Actor): boolean {
  return can(actor, 'subjects.manage') || can(actor, 'subjects.teach');
}

export default async function exerciseRoutes(app: FastifyInstance) {
  app.get<{ Querystring: Record<string, unknown> }>('/new', async (request, reply) => {
    const ctx = ctxOf(request);
    const subject = await subjectToTeach(ctx, subjectIdOf(request.query.subject));
    const timeZone = request.server.deps.config.timeZone;
    return reply.html(<NewExercisePage page={reply.pageContext()} subject={subject} groups={groupChoices(ctx.actor, subject)} timeZone={timeZone} />);
  });

  app.post<{ Body: Body }>('/', async (request, reply) => {
    const timeZone = request.server.deps.config.timeZone;
    const values = formValues(request.body);
    const subjectId = subjectIdOf(request.body?.subjectId);
    try {
      const exercise = await asActor(request, (ctx) => exercises.createExercise(ctx, { subjectId, ...serviceInput(request.body, values, timeZone) }));
      reply.flash('success', `Set "${exercise.title}".`);
      return reply.redirect(`/exercises/${exercise.id}`, 303);
    } catch (error) {
      if (!(error instanceof Invalid || error instanceof Conflict)) throw error;
      const ctx = ctxOf(request);
      const subject = await subjectToTeach(ctx, subjectId);
      reply.code(error.statusCode);
      return reply.html(
        <NewExercisePage page={reply.pageContext()} subject={subject} groups={groupChoices(ctx.actor, subject)} timeZone={timeZone} values={values} errors={onForm(error, timeZone)} message={formMessage(error)} />,
      );
    }
  });

  async function showExercise(
    request: FastifyRequest<{ Params: { id: string } }>,
    reply: FastifyReply,
    form?: { values: ExerciseFormValues; errors?: FieldMessages; message?: string | null },
    briefError?: string,
  ) {
    const ctx = ctxOf(request);
    const timeZone = request.server.deps.config.timeZone;
    const exercise = await exercises.getExercise(ctx, idOf(request));
    // A student's exercise is in their scope through their group; the subject is read only for those who may teach it.
    const [subject, brief] = await Promise.all([mayTeachAny(ctx.actor) ? subjects.getSubject(ctx, exercise.subjectId) : null, briefs.briefOfShownExercise(ctx, exercise)]);
    const mayTeach = subject !== null && subjects.mayTeach(ctx.actor, subject);
    const history = can(ctx.actor, 'audit.view') ? <RecordHistory {...await recordHistory(ctx, 'exercise', exercise.id)} /> : '';
    return reply.html(
      <ExercisePage
        page={reply.pageContext()}
        exercise={exercise}
        safeText={renderMarkdown(exercise.text)}
        timeZone={timeZone}
        now={ctx.clock.now()}
        mayTeach={mayTeach}
        isStudent={ctx.actor.role === 'student'}
        history={history}
        groups={mayTeach && subject ? groupChoices(ctx.actor, subject, exercise.groups) : []}
        form={mayTeach ? (form ?? { values: valuesOf(exercise, timeZone) }) : undefined}
        brief={brief}
        briefError={briefError}
        maxUpload={request.server.deps.config.maxContentLength}
      />,
    );
  }

  app.get<{ Params: { id: string } }>('/:id', async (request, reply) => showExercise(request, reply));

  app.post<{ Params: { id: string }; Body: Body }>('/:id', async (request, reply) => {
    const timeZone = request.server.deps.config.timeZone;
    const values = formValues(request.body);
    try {
      const exercise = await asActor(request, async (ctx) => {
        const before = await exercises.getExercise(ctx, idOf(request));
        const subject = await subjectToTeach(ctx, before.subjectId);
        const { groupIds: ticked, ...input } = serviceInput(request.body, values, timeZone);
        // Groups another lecturer set are shown fixed and not sent; the service keeps them.
        const settable = new Set(exercises.settableGroups(ctx.actor, subject).map((g) => g.id));
        const fixed = before.groups.filter((g) => !settable.has(g.id)).map((g) => g.id);
        return exercises.updateExercise(ctx, before.id, { ...input, groupIds: [...new Set([...ticked, ...fixed])] });
      });
      reply.flash('success', `Saved "${exercise.title}".`);
      return reply.redirect(`/exercises/${exercise.id}`, 303);
    } catch (error) {
      if (!(error instanceof Invalid || error instanceof Conflict)) throw error;
      reply.code(error.statusCode);
      return showExercise(request, reply, { values, errors: onForm(error, timeZone), message: formMessage(error) });
    }
  });

  app.post<{ Params: { id: string } }>('/:id/delete', async (request, reply) => {
    const deleted = await asActor(request, (ctx) => exercises.deleteExercise(ctx, idOf(request)));
    await deleted.afterCommit();
    reply.flash('success', `Deleted the exercise ${deleted.title} with what was sent for it.`);
    return reply.redirect(`/subjects/${deleted.subjectId}`, 303);
  });

  // The brief: downloaded by whoever sees the exercise (404 for anyone else, and when there is none).
  app.get<{ Params: { id: string }; Querystring: Record<string, unknown> }>('/:id/brief', async (request, reply) => {
    const file = await briefs.briefFile(ctxOf(request), idOf(request));
    return sendStoredFile(request, reply, file, { inline: request.query.inline === '1' });
  });

  // One file, streamed into storage as it arrives, then recorded in one transaction in place of the old one.
  app.post<{ Params: { id: string } }>('/:id/brief', { config: acceptsFiles(1) }, async (request, reply) => {
    // Who may attach is decided before a byte is stored.
    const exercise = await briefs.exerciseToBrief(ctxOf(request), idOf(request));
    let received;
    try {
      received = await receiveFiles(request);
    } catch (error) {
      // Too large (413), empty or more than one file (422): said above the form; nothing was kept.
      if (!(error instanceof AppError) || error.statusCode >= 500) throw error;
      reply.code(error.statusCode);
      return showExercise(request, reply, undefined, refusalText(error));
    }
    try {
      const attached = await asActor(request, (ctx) => briefs.attachBrief(ctx, exercise.id, received.files[0]!));
      await attached.afterCommit();
      reply.flash('success', `Attached ${attached.originalName} as the brief of ${exercise.title}.`);
      return reply.redirect(`/exercises/${exercise.id}`, 303);
    } catch (error) {
      await received.discard();
      if (!(error instanceof Invalid || error instanceof Conflict)) throw error;
      reply.code(error.statusCode);
      return showExercise(request, reply, undefined, refusalText(error));
    }
  });

  app.post<{ Params: { id: string } }>('/:id/brief/delete', async (request, reply) => {
    const removed = await asActor(request, (ctx) => briefs.removeBrief(ctx, idOf(request)));
    await removed.afterCommit();
    reply.flash('success', `Removed the brief ${removed.originalName}.`);
    return reply.redirect(`/exercises/${removed.exerciseId}`, 303);
  });

  app.post<{ Params: { id: string } }>('/:id/release-scores', async (request, reply) => {
    const exercise = await asActor(request, (ctx) => submissions.releaseScores(ctx, idOf(request)));
    reply.flash('success', `The scores of ${exercise.title} are released: its students see them now.`);
    return reply.redirect(`/exercises/${exercise.id}`, 303);
  });
}
