// Thesis pages under /theses: "Find similar theses" for everyone signed in (a plain GET form that
// htmx answers as the title is typed); a student's own thesis and proposal; the staff's list of the
// theses in their sight and the form that records one.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { can } from '../../access.js';
import { AppError, Invalid, NotFound, type FieldMessages } from '../../lib/errors.js';
import { validate } from '../../lib/validation.js';
import { formMessage } from '../../routes/form-messages.js';
import { asActor, ctxOf, type RequestContext } from '../../routes/request-context.js';
import { supervisorWithEmail } from '../lecturers/service.js';
import { studentNumbered } from '../students/service.js';
import { ProposeThesisInput, SIMILAR_THRESHOLD, TOO_CLOSE } from './schemas.js';
import * as theses from './service.js';
import { RecordThesisPage, SimilarResults, ThesesPage, type SimilarSearch, type ThesesPageProps } from './views/theses-page.js';

type Query = Record<string, unknown>;
type Body = Record<string, unknown> | undefined;

const text = (from: Query | Body, name: string): string => (typeof from?.[name] === 'string' ? (from[name] as string) : '');

/** A form's year: empty is none; digits a number; anything else as typed, for the rule to name. */
function yearOf(typed: string): number | string | null {
  const trimmed = typed.trim();
  if (trimmed === '') return null;
  return /^\d{1,6}$/.test(trimmed) ? Number(trimmed) : trimmed;
}

/** What the thesis's own rules say of a form's title and year (none when they pass). */
function thesisFieldMessages(input: { title: string; year: number | string | null }): FieldMessages {
  try {
    validate(ProposeThesisInput, input);
    return {};
  } catch (error) {
    if (error instanceof Invalid) return error.fields;
    throw error;
  }
}

/** "Find similar theses" as asked in the query (?title=&threshold=); nothing asked, no search. */
async function searchOf(ctx: RequestContext, query: Query, exceptId?: number): Promise<SimilarSearch> {
  const title = text(query, 'title');
  const thresholdText = text(query, 'threshold');
  const threshold = thresholdText === '' ? SIMILAR_THRESHOLD : Number(thresholdText);
  const shown = Number.isFinite(threshold) ? threshold : SIMILAR_THRESHOLD;
  if (title.trim() === '') return { title, threshold: shown, found: null, errors: {} };
  try {
    return { title, threshold: shown, found: await theses.similarTheses(ctx, { title, threshold: Number.isFinite(threshold) ? threshold : thresholdText, ...(exceptId ? { exceptId } : {}) }), errors: {} };
  } catch (error) {
    if (error instanceof Invalid) return { title, threshold: SIMILAR_THRESHOLD, found: null, errors: error.fields };
    throw error;
  }
}

async function showPage(request: FastifyRequest<{ Querystring: Query }>, reply: FastifyReply, own?: ThesesPageProps['own'], status = 200) {
  const ctx = ctxOf(request);
  const student = can(ctx.actor, 'theses.propose');
  // A student's own thesis is theirs to see, not a title to be warned of: left out of their search.
  const thesis = student ? (own ? own.thesis : await theses.myThesis(ctx)) : null;
  const search = await searchOf(ctx, request.query ?? {}, thesis?.id);
  const props: ThesesPageProps = { page: reply.pageContext(), search, timeZone: request.server.deps.config.timeZone };
  if (student) {
    // The proposal's own values fill its form, to change from.
    props.own = own ?? { thesis, values: { title: thesis?.title ?? '', year: thesis?.year ? String(thesis.year) : '' }, errors: {}, message: null };
  } else {
    const before = Number(text(request.query ?? {}, 'before'));
    // An id past any a table holds (PostgreSQL's integer) is no page: the list starts from the newest.
    const page = await theses.listTheses(ctx, Number.isInteger(before) && before > 0 && before <= 2147483647 ? { before } : {});
    props.list = { ...page, mayRecord: can(ctx.actor, 'theses.record') };
  }
  return reply.code(status).html(<ThesesPage {...props} />);
}

export default async function thesisRoutes(app: FastifyInstance) {
  app.get<{ Querystring: Query }>('/', async (request, reply) => showPage(request, reply));

  app.get<{ Querystring: Query }>('/similar', async (request, reply) => {
    if (request.headers['hx-request'] !== 'true') return reply.redirect(`/theses?${new URLSearchParams(request.query as Record<string, string>).toString()}`, 303);
    const ctx = ctxOf(request);
    const own = can(ctx.actor, 'theses.propose') ? await theses.myThesis(ctx) : null;
    return reply.html(<SimilarResults search={await searchOf(ctx, request.query ?? {}, own?.id)} />);
  });

  app.post<{ Body: Body; Querystring: Query }>('/proposal', async (request, reply) => {
    const values = { title: text(request.body, 'title'), year: text(request.body, 'year') };
    try {
      const thesis = await asActor(request, (ctx) => theses.proposeThesis(ctx, { title: values.title, year: yearOf(values.year) }));
      const close = await theses.similarTheses(ctxOf(request), { title: thesis.title, threshold: TOO_CLOSE, limit: 4, exceptId: thesis.id });
      reply.flash('success', `Proposed "${thesis.title}". The department records it with your supervisor.`);
      if (close.length > 0) reply.flash('warning', `Your title is close to ${close.length === 1 ? 'an existing one' : `${close.length} existing ones`}: ${close.map((f) => `"${f.title}" (${Math.round(f.score * 100)}% alike)`).join('; ')}. Consider making it more distinct.`);
      return reply.redirect('/theses', 303);
    } catch (error) {
      if (!(error instanceof AppError) || error.statusCode >= 500 || error.statusCode === 403) throw error;
      const ctx = ctxOf(request);
      return showPage(request, reply, { thesis: await theses.myThesis(ctx), values, errors: error.fields, message: formMessage(error) }, error.statusCode);
    }
  });

  app.get('/new', async (request, reply) => {
    if (!can(ctxOf(request).actor, 'theses.record')) throw new NotFound();
    return reply.html(<RecordThesisPage page={reply.pageContext()} values={{ studentNumber: '', title: '', supervisorEmail: '', year: '' }} errors={{}} message={null} />);
  });

  app.post<{ Body: Body }>('/', async (request, reply) => {
    const values = { studentNumber: text(request.body, 'studentNumber'), title: text(request.body, 'title'), supervisorEmail: text(request.body, 'supervisorEmail'), year: text(request.body, 'year') };
    try {
      const thesis = await asActor(request, async (ctx) => {
        // Every field's message at once: the thesis's own fields by their rule, the student and the
        // supervisor by looking them up.
        const fields: FieldMessages = { ...thesisFieldMessages({ title: values.title, year: yearOf(values.year) }) };
        const number = values.studentNumber.trim();
        const student =
          number === ''
            ? null
            : await studentNumbered(ctx, number).catch((error: unknown) => {
                if (error instanceof NotFound) return null;
                throw error;
              });
        if (number === '') fields.studentNumber = "Enter the student's number, as the students list shows it.";
        else if (!student) fields.studentNumber = 'No student you may see has this number: check it on the students list.';
        const email = values.supervisorEmail.trim();
        const supervisor = email === '' ? null : await supervisorWithEmail(ctx, email);
        if (email !== '' && !email.includes('@')) fields.supervisorEmail = "Enter the supervisor's e-mail, e.g. ivan.horvat@example.edu, or leave it empty.";
        else if (email !== '' && !supervisor) fields.supervisorEmail = 'No active lecturer has this e-mail: check it on the lecturers list, or leave it empty.';
        if (!student || Object.keys(fields).length > 0) throw new Invalid('Check the highlighted fields.', fields);
        return theses.recordThesis(ctx, { studentId: student.id, title: values.title, supervisorId: supervisor?.id ?? null, year: yearOf(values.year) });
      });
      reply.flash('success', `Recorded "${thesis.title}" for ${thesis.student}.`);
      return reply.redirect('/theses', 303);
    } catch (error) {
      if (!(error instanceof AppError) || error.statusCode >= 500 || error.statusCode === 403) throw error;
      return reply.code(error.statusCode === 404 ? 422 : error.statusCode).html(<RecordThesisPage page={reply.pageContext()} values={values} errors={error.fields} message={formMessage(error)} />);
    }
  });
}
