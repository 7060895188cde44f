// The Waiting Room pages: students send exercises from "My exercises" (/my-exercises: what they
// owe first); lecturers score or remove entries at /waiting-room without a page reload (htmx swaps
// the row; without JavaScript the form posts and the page comes back). A score names the entry's
// version, so a second lecturer on the same entry is told it was scored, not overwritten.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { authorize } from '../../access.js';
import { AppError, Conflict, Invalid, NotFound } from '../../lib/errors.js';
import { acceptsFiles, receiveFiles } from '../../plugins/streamed-uploads.js';
import { refusalText } from '../../routes/form-messages.js';
import { idOf } from '../../routes/record-id.js';
import { asActor, ctxOf } from '../../routes/request-context.js';
import { sendStoredFile } from '../../routes/send-file.js';
import * as exercises from '../exercises/service.js';
import * as submissions from '../exercises/submissions.js';
import { MyExercisesPage } from './views/my-exercises-page.js';
import { EntryOutcome, WaitingRoomPage } from './views/waiting-room-page.js';

type Body = Record<string, unknown> | undefined;

/** An htmx request swaps what it gets back; a plain form post is sent back to the page. */
const isHtmx = (request: FastifyRequest) => request.headers['hx-request'] === 'true';

async function showMyExercises(request: FastifyRequest, reply: FastifyReply, problem: string | null = null, note = '') {
  const ctx = ctxOf(request);
  const { config } = request.server.deps;
  return reply.html(
    <MyExercisesPage page={reply.pageContext()} exercises={await exercises.myExercises(ctx)} now={ctx.clock.now()} timeZone={config.timeZone} maxUpload={config.maxContentLength} problem={problem} note={note} />,
  );
}

export default async function submissionRoutes(app: FastifyInstance) {
  app.get('/my-exercises', async (request, reply) => showMyExercises(request, reply));

  app.post('/my-exercises', { config: acceptsFiles(1) }, async (request, reply) => {
    const ctx = ctxOf(request);
    // Refused before a byte is stored.
    authorize(ctx.actor, 'submissions.submit');
    let received;
    try {
      received = await receiveFiles(request, { required: false });
    } catch (error) {
      if (!(error instanceof AppError) || error.statusCode >= 500) throw error;
      reply.code(error.statusCode);
      return showMyExercises(request, reply, refusalText(error));
    }
    // The ticked boxes share one name.
    const ticked = received.allFields.exerciseIds ?? [];
    try {
      const result = await asActor(request, (tx) =>
        submissions.submitExercises(tx, { exerciseIds: ticked.map((v) => (/^\d{1,9}$/.test(v) ? Number(v) : v)), note: received.fields.note ?? '' }, received.files[0] ?? null),
      );
      await result.afterCommit();
      const late = result.sent.filter((s) => s.late).length;
      reply.flash('success', `Sent ${result.sent.length === 1 ? 'one exercise' : `${result.sent.length} exercises`} to the Waiting Room${late ? ` (${late} late)` : ''}.`);
      return reply.redirect('/my-exercises', 303);
    } catch (error) {
      await received.discard();
      if (!(error instanceof Invalid || error instanceof Conflict)) throw error;
      reply.code(error.statusCode);
      const problem = ticked.length === 0 ? 'Tick one or more exercises to send.' : refusalText(error);
      return showMyExercises(request, reply, problem, received.fields.note ?? '');
    }
  });

  app.get<{ Querystring: Record<string, unknown> }>('/waiting-room', async (request, reply) => {
    const ctx = ctxOf(request);
    const cursor = typeof request.query.cursor === 'string' && request.query.cursor ? request.query.cursor : undefined;
    let room;
    try {
      room = await submissions.waitingRoom(ctx, cursor ? { cursor } : {});
    } catch (error) {
      // A damaged "next" link starts again from the oldest entries.
      if (!(error instanceof Invalid) || !cursor) throw error;
      room = await submissions.waitingRoom(ctx);
    }
    return reply.html(
      <WaitingRoomPage
        page={reply.pageContext()}
        entries={room.entries}
        nextHref={room.nextCursor ? `/waiting-room?cursor=${encodeURIComponent(room.nextCursor)}` : null}
        firstHref={cursor ? '/waiting-room' : null}
        now={ctx.clock.now()}
        timeZone={request.server.deps.config.timeZone}
      />,
    );
  });

  for (const action of ['score', 'dismiss'] as const) {
    app.post<{ Params: { id: string }; Body: Body }>(`/submissions/:id/${action}`, async (request, reply) => {
      const id = idOf(request);
      // The form's text ("5") is read as the whole number it is by the service's schema.
      const input = request.body ?? {};
      try {
        const text = await asActor(request, async (tx) => {
          if (action === 'score') {
            const scored = await submissions.scoreSubmission(tx, id, input);
            return `Scored ${scored.score}.`;
          }
          await submissions.dismissSubmission(tx, id, input);
          return 'Removed from the Waiting Room; the student sees why.';
        });
        if (isHtmx(request)) return reply.html(<EntryOutcome id={id} kind="success" text={text} />);
        reply.flash('success', text);
        return reply.redirect('/waiting-room', 303);
      } catch (error) {
        if (!(error instanceof Conflict || error instanceof Invalid || error instanceof NotFound)) throw error;
        // The version's own field message is for API clients; the row says what happened.
        const text = refusalText(error instanceof Conflict ? new Conflict(error.message) : error);
        // htmx swaps only 2xx answers: the row itself says why nothing was saved.
        if (isHtmx(request)) return reply.html(<EntryOutcome id={id} kind="danger" text={text} />);
        reply.flash('danger', text);
        return reply.redirect('/waiting-room', 303);
      }
    });
  }

  app.get<{ Params: { id: string } }>('/submissions/:id/file', async (request, reply) => {
    const file = await submissions.submissionFile(ctxOf(request), idOf(request));
    return sendStoredFile(request, reply, file);
  });
}
