// One call to an OpenAI-compatible chat completions endpoint (the assistant's optional model, and
// `fms doctor`'s check of it), and its failures in words an operator can act on.

/** Where and what to ask: ASSISTANT_API_URL, ASSISTANT_API_KEY, ASSISTANT_MODEL, ASSISTANT_TIMEOUT. */
export interface ChatModel {
  readonly url: string;
  readonly apiKey: string | null;
  readonly model: string;
  readonly timeoutMs: number;
}

/** The model's answer to one instruction and one message, cut to `maxLength`; an error says why there is none. */
export async function chatCompletion(model: ChatModel, instructions: string, message: string, maxLength: number): Promise<string> {
  const response = await fetch(model.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json', ...(model.apiKey ? { authorization: `Bearer ${model.apiKey}` } : {}) },
    body: JSON.stringify({
      model: model.model,
      messages: [
        { role: 'system', content: instructions },
        { role: 'user', content: message },
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
  const text = content.trim();
  return text.length > maxLength ? `${text.slice(0, maxLength - 1)}…` : text;
}

/** Why a call failed, as an operator can act on it: fetch's "fetch failed" names its cause's code. */
export function whyChatFailed(error: unknown, model: ChatModel): string {
  if (!(error instanceof Error)) return String(error);
  if (error.name === 'TimeoutError') return `no answer within ${model.timeoutMs} ms (ASSISTANT_TIMEOUT)`;
  const cause = error.cause as { code?: unknown; message?: unknown } | undefined;
  const code = typeof cause?.code === 'string' ? cause.code : null;
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return `cannot resolve ${new URL(model.url).hostname} (${code}): check ASSISTANT_API_URL and the server's DNS`;
  if (code === 'ECONNREFUSED') return `nothing listens at ${new URL(model.url).host} (ECONNREFUSED): is the model's server running?`;
  // One line whatever the cause says (OpenSSL's run over several); "fetch failed" alone says nothing.
  const said = typeof cause?.message === 'string' ? cause.message.replace(/\s+/g, ' ').trim() : '';
  if (code) return `${error.message} (${code}${said ? `: ${said}` : ''})`;
  // fetch refuses the ports browsers block (e.g. 9, 25, 6000) before trying them.
  if (said === 'bad port') return `fetch refuses to connect to port ${new URL(model.url).port} (a port browsers block): give the model's server another port in ASSISTANT_API_URL`;
  if (said) return `${error.message}: ${said}`;
  return error.message.replace(/\s+/g, ' ');
}
