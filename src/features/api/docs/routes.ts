// The OpenAPI document of the JSON API and a page to read it. `openApi` collects every route under
// /api/v1 that carries a `schema` (TypeBox schemas are JSON Schema) as the routes are registered, so
// app.ts registers it before the API; `apiDocsRoutes` serves /api/docs/openapi.json and /api/docs
// (Swagger UI: external scripts and styles only, so it runs under the app's strict CSP). Both are
// public, as docs/api.md says: the route table is no secret, and a token is needed for every call.
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { NotFound } from '../../../lib/errors.js';
import { rateInWords } from '../../../plugins/rate-limit.js';
import { jsonAsAttachment } from '../attachment.js';
import { API_PREFIX, API_VERSION } from '../request.js';
import { sharedSchemas } from '../schemas.js';

export const DOCS_PREFIX = '/api/docs';


const description = (limit: string) => `The JSON API of FMS, the Faculty Management System: the department's groups, students and lecturers, and bulk imports of them.

Authenticate with a personal API token as a bearer token (\`Authorization: Bearer fms_…\`); create one
under Account › API tokens (\`/account/tokens\`, with your current password) or with \`fms token create
--username NAME\`. A token works under \`/api/\` only. It acts as its account, with the same rules as the pages: admins manage everything; lecturers see the
students of the groups they teach, without private contact data; students see their own record.

Each token may make ${limit} on this server (\`RateLimit-*\` headers; 429 beyond). Lists answer
\`{ "items": [...], "nextCursor": "…" }\`: pass \`nextCursor\` as \`cursor\` for the next page, until it
is null. Errors answer \`{ "error": { "code", "message", "fields" } }\`. A record the token may not
see is a 404; an action it may not take is a 403.

Without a token, \`GET /api/public/news\` (outside /api/v1) answers the public news in the shape of
\`GET /news\` (\`category\`, \`limit\` up to 100, \`cursor\`), for anyone and any site (CORS open, cached
for a minute).`;

export const openApi = fp(
  async (app) => {
    for (const schema of sharedSchemas) app.addSchema(schema);
    await app.register(fastifySwagger, {
      openapi: {
        // 3.1: its schemas are JSON Schema 2020-12, so TypeBox's `{ "type": "null" }` is valid.
        openapi: '3.1.0',
        // The version of the API (the one in its path), not of the server: a client needs to know
        // which contract it reads, and anyone reading the public document would otherwise learn
        // which release runs here, and so which of its known bugs to try.
        info: { title: 'FMS API', version: API_VERSION, description: description(rateInWords(app.deps.config.apiRateLimit)) },
        servers: [{ url: API_PREFIX, description: 'This FMS server' }],
        components: {
          securitySchemes: {
            bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'fms_…', description: 'A personal API token (Account › API tokens, or `fms token create`).' },
          },
        },
        security: [{ bearerAuth: [] }],
        tags: [
          { name: 'account', description: 'Who the token acts as.' },
          { name: 'groups', description: 'Groups of students.' },
          { name: 'students', description: 'Student records and their accounts.' },
          { name: 'lecturers', description: 'Lecturer records and their accounts.' },
          { name: 'imports', description: 'Bulk imports from spreadsheets (xlsx or csv).' },
          { name: 'subjects', description: 'Subjects, the groups that take them and who teaches them.' },
          { name: 'materials', description: "A subject's files." },
          { name: 'exercises', description: 'Exercises, hand-ins and the Waiting Room.' },
          { name: 'gradebook', description: "A subject's scores per student." },
          { name: 'news', description: "The department's news, for the caller's audience." },
          { name: 'theses', description: 'Theses and "Find similar theses".' },
          { name: 'assistant', description: 'Questions answered from what the caller may see.' },
        ],
      },
      // Shared schemas keep their $id as their name under components.schemas (Error, Student, …).
      refResolver: { buildLocalReference: (json, _baseUri, _fragment, i) => (typeof json.$id === 'string' ? json.$id : `def-${i}`) },
      // Only the API belongs in its document; pages and the docs themselves stay out. The public news
      // (/api/public/news) lives outside the server URL /api/v1, so the description names it instead.
      transform: ({ schema, url }) => ({ schema: url.startsWith(`${API_PREFIX}/`) ? schema : { ...schema, hide: true }, url }),
    });
  },
  { name: 'fms-openapi' },
);

/**
 * Swagger UI's bundle adds one fixed <style> element at start. Its hash is allowed on the docs page
 * only, so the page keeps the app's CSP otherwise (no inline script or other inline style). The
 * browser test in docs.test.ts fails when an upgrade of @fastify/swagger-ui changes it.
 */
export const SWAGGER_UI_STYLE_HASH = "'sha256-RL3ie0nH+Lzz2YNqQN83mnU0J1ot4QL7b99vMdIX99w='";

export function allowSwaggerUiStyle(csp: string): string {
  return csp
    .split(';')
    .map((directive) => (/^\s*style-src\s/.test(directive) && !directive.includes(SWAGGER_UI_STYLE_HASH) ? `${directive} ${SWAGGER_UI_STYLE_HASH}` : directive))
    .join(';');
}

/**
 * Swagger UI shows an answer with Content-Disposition: attachment as a "Download file" link instead
 * of its JSON. The page reads the API with fetch(), where the header protects nothing, so it is
 * dropped from what the page shows. This runs in the browser: @fastify/swagger-ui writes its source
 * into swagger-initializer.js, so it may use nothing from this module.
 */
const showApiJsonInPage = (response: { headers?: Record<string, string> }) => {
  for (const name of Object.keys(response.headers ?? {})) {
    if (/^content-disposition$/i.test(name) && response.headers![name] === 'attachment; filename="api.json"') delete response.headers![name];
  }
  return response;
};

export default async function apiDocsRoutes(app: FastifyInstance) {
  // The document and Swagger UI's own JSON (./json, ./uiConfig, …) are JSON answers under /api/ too.
  app.addHook('onSend', jsonAsAttachment);
  app.get(`${DOCS_PREFIX}/openapi.json`, { schema: { hide: true } }, async (_request, reply) => {
    return reply.type('application/json; charset=utf-8').send(app.swagger());
  });
  await app.register(fastifySwaggerUi, {
    routePrefix: DOCS_PREFIX,
    // Never send the document to swagger.io's validator (connect-src 'self' would refuse it anyway).
    validatorUrl: false,
    uiConfig: { deepLinking: true, docExpansion: 'list', defaultModelsExpandDepth: 1, tryItOutEnabled: false, responseInterceptor: showApiJsonInPage },
    theme: { title: 'FMS API' },
    transformStaticCSP: allowSwaggerUiStyle,
  });
  // Any other address under /api/ (not /api/v1, which answers for itself): the JSON 404, as an attachment.
  await app.register(
    async (rest) => {
      rest.setNotFoundHandler(async () => {
        throw new NotFound(`No such address: the API is under ${API_PREFIX}, its documentation at ${DOCS_PREFIX}.`);
      });
    },
    { prefix: '/api' },
  );
}
