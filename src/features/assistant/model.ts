// The optional model that phrases the assistant's answers: an OpenAI-compatible chat completions
// endpoint (ASSISTANT_API_URL, ASSISTANT_API_KEY, ASSISTANT_MODEL). It is given the question and the
// offline answer, which holds only what the asker may see, and asked to phrase that, nothing else.
// It never picks links (those stay the offline answer's) and never reads the database. When it is
// unreachable, slow, or answers nonsense, the offline answer is given and the model is left alone
// for a while, so one outage does not make every question wait for its timeout.
import type { AssistantModelConfig } from '../../config/index.js';
import type { ServiceContext } from '../../context.js';
import { chatCompletion, whyChatFailed } from '../../lib/chat-completion.js';
import type { OfflineAnswer } from './answers.js';

/** After a failure, questions are answered offline for this long before the model is tried again. */
export const MODEL_REST_MS = 30_000;
/** A phrased answer longer than this is cut: the page and the API promise a short answer. */
export const MODEL_ANSWER_MAX = 2000;

const instructions = [
  "You are the assistant of FMS, a university department's management system.",
  'Answer the question using only the facts given with it: they are everything the person may see.',
  'Do not add names, figures, dates or scores that are not in the facts, and do not invent web addresses.',
  'If the facts do not answer the question, say so and suggest the pages linked.',
  'Answer briefly, in plain text without Markdown, in the language of the question.',
].join(' ');

/** When the model failed last, per endpoint (a process talks to one). */
const restingUntil = new Map<string, number>();

export async function phraseWithModel(ctx: Pick<ServiceContext, 'clock' | 'log'>, model: AssistantModelConfig, question: string, offline: OfflineAnswer): Promise<string | null> {
  const now = ctx.clock.now().getTime();
  if ((restingUntil.get(model.url) ?? 0) > now) return null;
  const facts = [offline.answer, offline.links.length ? `Pages: ${offline.links.map((l) => l.title).join('; ')}` : ''].filter(Boolean).join('\n\n');
  try {
    const text = await chatCompletion(model, instructions, `Facts:\n${facts}\n\nQuestion: ${question}`, MODEL_ANSWER_MAX);
    restingUntil.delete(model.url);
    return text;
  } catch (error) {
    restingUntil.set(model.url, now + MODEL_REST_MS);
    const reason = whyChatFailed(error, model);
    ctx.log.warn({ endpoint: new URL(model.url).origin, reason }, `the assistant's model failed (${reason}); answering offline for ${MODEL_REST_MS / 1000} s`);
    return null;
  }
}

/** Forget failures (tests start each case with a model that may be tried). */
export function forgetModelFailures(): void {
  restingUntil.clear();
}
