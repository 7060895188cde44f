// One place turns every failure into what the client understands: a page, an htmx fragment, a
// redirect to sign in, or JSON { error: { code, message, fields } }. A 5xx never shows its cause
// outside development; its error id is shown to the user and written to the log beside the stack.
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { uniqueViolation } from '../db/constraint-errors.js';
import { AppError, messageNamingFields, refusalInOneLine, type FieldMessages } from '../lib/errors.js';
import { errorId as newErrorId } from '../lib/secrets.js';
import { ErrorPage } from '../views/error-page.js';
import type { PageContext } from '../views/page.js';
import './types.js';

export interface ErrorBody {
  error: { code: string; message: string; fields: FieldMessages; errorId?: string };
}

/** JSON for the API and for clients that ask for it; HTML for browsers. */
export function wantsJson(request: FastifyRequest): boolean {
  if (request.url.startsWith('/api/')) return true;
  // Probes and scrapers read JSON, whatever they send as Accept (curl sends */*).
  if (/^\/(healthz|readyz|metrics)(\?|$)/.test(request.url)) return true;
  if (request.headers['hx-request']) return false;
  const accept = request.headers.accept ?? '';
  return accept.includes('application/json') && !accept.includes('text/html');
}

const safeClientMessages: Record<string, string> = {
  FST_CSRF_MISSING_SECRET: 'This form has expired or was not sent from FMS. Reload the page and try again.',
  FST_CSRF_INVALID_TOKEN: 'This form has expired or was not sent from FMS. Reload the page and try again.',
  FST_CSRF_MISSING_TOKEN: 'This form has expired or was not sent from FMS. Reload the page and try again.',
  FST_ERR_CTP_BODY_TOO_LARGE: 'The request is larger than the server accepts (MAX_CONTENT_LENGTH).',
  FST_REQ_FILE_TOO_LARGE: 'The file is larger than the server accepts (MAX_CONTENT_LENGTH).',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'This content type is not accepted here.',
  FST_ERR_CTP_INVALID_JSON_BODY: 'The request body is not valid JSON.',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'The request body is empty; send a JSON object.',
  FST_FILES_LIMIT: 'Send one file at a time.',
  FST_PARTS_LIMIT: 'The form has too many parts.',
  FST_FIELDS_LIMIT: 'The form has too many fields.',
  FST_INVALID_MULTIPART_CONTENT_TYPE: 'Send the form as multipart/form-data.',
};

interface Described {
  status: number;
  code: string;
  message: string;
  fields?: FieldMessages;
  errorId?: string;
}

function describe(error: unknown, request: FastifyRequest): Described {
  if (error instanceof AppError) {
    return { status: error.statusCode, code: error.code, message: error.message, fields: Object.keys(error.fields).length ? error.fields : undefined };
  }
  const e = error as Partial<FastifyError> & { statusCode?: number };
  if (e.validation) {
    const fields: FieldMessages = {};
    for (const v of e.validation) {
      const field = (v.instancePath || '').replace(/^\//, '').split('/')[0] || (v.params as { missingProperty?: string })?.missingProperty || '_';
      fields[field] ??= `${field} ${v.message ?? 'is invalid'}`;
    }
    return { status: 422, code: 'invalid', message: 'Check the highlighted fields.', fields };
  }
  const unique = uniqueViolation(error);
  if (unique) {
    return {
      status: 409,
      code: 'conflict',
      // The JSON answer names the field in place of "the highlighted field" (messageNamingFields).
      message: 'Someone saved the same details a moment ago. Check the highlighted field and try again.',
      fields: { [unique.field]: 'This value was just taken by another record; choose another.' },
    };
  }
  if (isBackendUnavailable(error)) {
    request.log.error({ err: error }, 'a backing service is unavailable');
    return { status: 503, code: 'unavailable', message: 'FMS cannot reach its database or cache right now. Try again in a minute.' };
  }
  const status = typeof e.statusCode === 'number' ? e.statusCode : 500;
  if (status >= 400 && status < 500) {
    const code = status === 429 ? 'rate_limited' : String(e.code ?? 'bad_request').toLowerCase();
    const message = (e.code && safeClientMessages[e.code]) ?? (status === 429 ? e.message : undefined) ?? defaultMessage(status);
    return { status, code, message: message ?? 'The request could not be handled.' };
  }
  const id = newErrorId();
  request.log.error({ err: error, errorId: id }, 'request failed');
  return { status: status >= 500 && status < 600 ? status : 500, code: 'internal', message: 'Something went wrong on the server.', errorId: id };
}

/** Connection failures to PostgreSQL or Redis: the request may succeed later, so 503, not 500. */
function isBackendUnavailable(error: unknown): boolean {
  const e = error as { code?: string; name?: string; message?: string } | null;
  if (!e) return false;
  if (['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTFOUND', '57P03', '53300'].includes(String(e.code))) return true;
  if (e.name === 'MaxRetriesPerRequestError') return true;
  return /Connection is closed|Stream isn't writeable|connect ECONNREFUSED|Connection terminated/.test(String(e.message));
}

function defaultMessage(status: number): string | undefined {
  if (status === 404) return 'Not found.';
  if (status === 405) return 'This method is not allowed here.';
  if (status === 413) return 'The request is too large.';
  if (status === 415) return 'This content type is not accepted here.';
  return undefined;
}

function safePageContext(reply: FastifyReply): PageContext {
  try {
    return reply.pageContext();
  } catch {
    // The error may have come from the CSRF or cookie machinery itself; render without a token.
    const app = reply.server;
    return { actor: reply.request.actor ?? null, csrfToken: '', flash: [], path: '/', asset: (n) => app.asset(n), island: () => null, mode: app.deps.config.mode };
  }
}

/** The answer to an address that names nothing: the 404 page, or JSON for API clients. */
export function sendNotFound(request: FastifyRequest, reply: FastifyReply) {
  return sendError(request, reply, new AppError(404, 'not_found', 'Not found.'));
}

export function sendError(request: FastifyRequest, reply: FastifyReply, error: unknown) {
  const d = describe(error, request);
  const development = request.server.deps.config.mode === 'development';
  if (d.status === 401 && !wantsJson(request) && request.method === 'GET') {
    const next = encodeURIComponent(request.url);
    return reply.redirect(`/login?next=${next}`, 303);
  }
  reply.code(d.status);
  if (d.status === 503 && !reply.hasHeader('retry-after')) reply.header('retry-after', '30');
  if (wantsJson(request)) {
    // `fields` is always there (empty when no field is at fault), so clients need no special case.
    const body: ErrorBody = { error: { code: d.code, message: messageNamingFields(d.message, d.fields ?? {}), fields: d.fields ?? {}, ...(d.errorId ? { errorId: d.errorId } : {}) } };
    return reply.type('application/json; charset=utf-8').send(body);
  }
  if (request.headers['hx-request']) {
    // An htmx fragment highlights no field: it says the fields' own messages.
    const said = refusalInOneLine(d.message, d.fields ?? {});
    const text = d.errorId ? `${said} (error id ${d.errorId})` : said;
    return reply.html(`<div class="alert alert-danger" role="alert">${escapeText(text)}</div>`);
  }
  const detail = development && d.status >= 500 && error instanceof Error ? error.stack : undefined;
  try {
    return reply.html(ErrorPage({ page: safePageContext(reply), status: d.status, message: d.status === 500 || d.status === 404 ? undefined : d.message, errorId: d.errorId, detail, fields: d.status < 500 ? d.fields : undefined }));
  } catch (renderError) {
    // Never let a failure to render the error page show its own message: a plain page will do.
    request.log.error({ err: renderError }, 'could not render the error page');
    return reply.html(`<!doctype html><title>FMS</title><h1>${d.status}</h1><p>${escapeText(d.message)}</p>${d.errorId ? `<p>Error id: ${d.errorId}</p>` : ''}`);
  }
}

function escapeText(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export default fp(
  async (app) => {
    app.setErrorHandler((error, request, reply) => sendError(request, reply, error));
    // The not-found handler is set by plugins/rate-limit.ts, so the global limit covers it.
  },
  { name: 'fms-error-handler' },
);
