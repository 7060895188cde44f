// A multipart body can be read only once, as a stream of parts, so one reader per request is kept
// here and shared: the CSRF check (csrf.ts) takes the first part, the form's `_csrf` field, before
// the route runs, and the route reads the rest through formParts() (uploads.ts does). The token thus
// never rides in the address (logs, history), and no byte of a file is read for a forged or expired
// form. A body nobody read to the end is drained after the answer, as Node drains bodies nobody
// opened, so the connection can serve the next request; an answer that closes the connection (the
// CSRF refusal does) leaves the rest unread.
import type { FastifyRequest } from 'fastify';

/** The field a multipart form must send first: the CSRF token. */
export const CSRF_FIELD = '_csrf';

export type Part =
  | { type: 'field'; fieldname: string; value: unknown }
  | { type: 'file'; fieldname: string; filename: string; mimetype: string; file: AsyncIterable<unknown> & { truncated: boolean; resume(): unknown } };

/** What @fastify/multipart adds to a request, as far as this file needs it. */
export interface MultipartRequest {
  isMultipart(): boolean;
  parts(options?: object): AsyncIterable<Part>;
  /** A route's `config.multipartOptions` (the plugin's own name for it) changes its limits. */
  routeOptions?: { config?: { multipartOptions?: object } };
  body?: unknown;
  raw: { readableEnded: boolean; resume(): unknown };
}

class OpenForm {
  private readonly iterator: AsyncIterator<Part>;
  private lastFile: Extract<Part, { type: 'file' }> | null = null;
  private ended = false;
  /** The first part's token, when the CSRF check read one. */
  csrfToken: string | undefined;

  constructor(request: MultipartRequest) {
    // The plugin's registered limits apply (uploads.ts); routes check their own smaller ones, and a
    // route that takes several files declares so in its config (streamed-uploads.ts). The form is
    // opened by the CSRF check before the handler runs, so the route cannot pass limits later.
    this.iterator = request.parts(request.routeOptions?.config?.multipartOptions)[Symbol.asyncIterator]();
  }

  /** The next part, or null at the end (also after a parser error was thrown once). */
  async next(): Promise<Part | null> {
    if (this.ended) return null;
    try {
      const result = await this.iterator.next();
      if (result.done) {
        this.ended = true;
        return null;
      }
      if (result.value.type === 'file') this.lastFile = result.value;
      return result.value;
    } catch (error) {
      this.ended = true;
      throw error;
    }
  }

  /**
   * The parts not read yet. Leaving a `for await` loop early does not end the reader (a plain
   * generator would be closed), so whatever the route left is still drained afterwards.
   */
  remaining(): AsyncIterable<Part> {
    return {
      [Symbol.asyncIterator]: () => ({
        next: async (): Promise<IteratorResult<Part>> => {
          const part = await this.next();
          return part ? { value: part, done: false } : { value: undefined, done: true };
        },
      }),
    };
  }

  get finished(): boolean {
    return this.ended;
  }

  /** Reads the rest of the body and throws it away; busboy's limits bound what it keeps. */
  async drain(): Promise<void> {
    // The parser waits until the file it handed out last is read: read it (to nowhere) first.
    this.lastFile?.file.resume();
    for (;;) {
      const part = await this.next();
      if (!part) return;
      if (part.type === 'file') part.file.resume();
    }
  }
}

const forms = new WeakMap<object, OpenForm>();

function formOf(request: MultipartRequest): OpenForm {
  let form = forms.get(request);
  if (!form) {
    form = new OpenForm(request);
    forms.set(request, form);
  }
  return form;
}

export function isMultipart(request: FastifyRequest): boolean {
  const multipart = request as unknown as Partial<MultipartRequest>;
  return typeof multipart.isMultipart === 'function' && multipart.isMultipart();
}

/**
 * Reads the first part of a multipart body and returns it when it is the `_csrf` field. Anything
 * else first (a file, another field, a broken body) gives no token: the check then refuses the form
 * without reading further.
 */
export async function readCsrfField(request: MultipartRequest): Promise<string | undefined> {
  const form = formOf(request);
  let first: Part | null;
  try {
    first = await form.next();
  } catch {
    return undefined;
  }
  if (first?.type === 'field' && first.fieldname === CSRF_FIELD && typeof first.value === 'string') form.csrfToken = first.value;
  return form.csrfToken;
}

/** The token readCsrfField() found in this request's body, if any. */
export function csrfFieldOf(request: FastifyRequest): string | undefined {
  return forms.get(request)?.csrfToken;
}

/**
 * The parts of the request's multipart body the route has not seen: after the CSRF check, all but
 * its `_csrf` field. Call it instead of `request.parts()` or `request.file()`, which would start a
 * second parser on a body the check has begun to read.
 */
export function formParts(request: MultipartRequest): AsyncIterable<Part> {
  return formOf(request).remaining();
}

/** After the answer: reads to the end a multipart body left unread, unless the connection closes. */
export async function drainUnreadForm(request: FastifyRequest, closing: boolean): Promise<void> {
  const form = forms.get(request);
  if (!form || closing) return;
  const raw = (request as unknown as MultipartRequest).raw;
  if (!form.finished) {
    try {
      await form.drain();
    } catch {
      // A broken or over-limit body: the parser has stopped, and the lines below read the rest.
    }
  }
  // A parser that stopped early (a limit, a destroyed file stream) left the request paused.
  if (!raw.readableEnded) raw.resume();
}
