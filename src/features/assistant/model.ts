// The optional model that phrases the assistant's answers: an OpenAI-compatible chat completions
// endpoint (ASSISTANT_API_URL, ASSISTANT_API_KEY, ASSISTANT_MODEL). It is given the question and the
// offline answer, which holds only what the asker may see, and asked to phrase that, nothing else.
// It never picks links (those stay the offline answer's) and never reads the database. When it is
// unreachable, slow, or answers nonsense, the offline answer is given and the model is left alone
// for a while, so one outage does not make every question wait for its timeout.
import type { AssistantModelConfig } from '../../config/index.js';
import type { ServiceContext } from '../../context.js';
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
    const response = await fetch(model.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json', ...(model.apiKey ? { authorization: `Bearer ${model.apiKey}` } : {}) },
      body: JSON.stringify({
        model: model.model,
        messages: [
          { role: 'system', content: instructions },
          { role: 'user', content: `Facts:\n${facts}\n\nQuestion: ${question}` },
        ],
        temperature: 0.2,
        max_tokens: 400,
      }),
      signal: AbortSignal.timeout(model.timeoutMs),
      redirect: 'error',
    });
    if (!response.ok) {
      // The provider's own words say most (a wrong model name, a spent quota): the start of its body.
      const said = (await response.text().catch(() => '')).replace(/\s+/g, ' ').trim().slice(0, 300);
      throw new Error(`the model answered HTTP ${response.status}${said ? `: ${said}` : ''}`);
    }
    const body = (await response.json()) as { choices?: { message?: { content?: unknown } }[] };
    const content = body.choices?.[0]?.message?.content;
    if (typeof content !== 'string' || content.trim() === '') throw new Error('the model answered no message (choices[0].message.content)');
    restingUntil.delete(model.url);
    const text = content.trim();
    return text.length > MODEL_ANSWER_MAX ? `${text.slice(0, MODEL_ANSWER_MAX - 1)}…` : text;
  } catch (error) {
    restingUntil.set(model.url, now + MODEL_REST_MS);
    const reason = reasonOf(error, model);
    ctx.log.warn({ endpoint: new URL(model.url).origin, reason }, `the assistant's model failed (${reason}); answering offline for ${MODEL_REST_MS / 1000} s`);
    return null;
  }
}

/** Why a call failed, as an operator can act on it: fetch's "fetch failed" names its cause's code. */
function reasonOf(error: unknown, model: AssistantModelConfig): string {
  if (!(error instanceof Error)) return String(error);
  if (error.name === 'TimeoutError') return `no answer within ${model.timeoutMs} ms (ASSISTANT_TIMEOUT)`;
  const cause = error.cause as { code?: unknown; message?: unknown } | undefined;
  const code = typeof cause?.code === 'string' ? cause.code : null;
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return `cannot resolve ${new URL(model.url).hostname} (${code}): check ASSISTANT_API_URL and the server's DNS`;
  if (code === 'ECONNREFUSED') return `nothing listens at ${new URL(model.url).host} (ECONNREFUSED): is the model's server running?`;
  if (code) return `${error.message} (${code}${typeof cause?.message === 'string' ? `: ${cause.message}` : ''})`;
  return error.message;
}

/** Forget failures (tests start each case with a model that may be tried). */
export function forgetModelFailures(): void {
  restingUntil.clear();
}
