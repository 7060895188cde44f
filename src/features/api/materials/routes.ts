// A subject's materials in the API: GET /subjects/{id}/materials lists them, POST uploads one or
// many (multipart `file`, streamed into storage), GET /materials/{id}/file downloads one (Range,
// ETag, attachment; routes/send-file.ts), DELETE /materials/{id} deletes one. The rules are the
// pages': the subject's groups' students, its lecturers and admins read; its lecturers and admins write.
import type { FastifyInstance } from 'fastify';
import Type from 'typebox';
import { acceptsFiles, receiveFiles } from '../../../plugins/streamed-uploads.js';
import { sendStoredFile } from '../../../routes/send-file.js';
import * as materials from '../../subjects/materials.js';
import { apiRouteConfig, readAs, recordId, writeAs } from '../request.js';
import { errorResponses, IdParams, ref } from '../schemas.js';

// The file's record id is the service's own business; the API names the file by its address.
const withUrl = ({ fileId: _file, ...m }: materials.MaterialView) => ({ ...m, fileUrl: `/api/v1/materials/${m.id}/file` });

const notFound = { ...ref('Error'), description: 'No such subject or material, or not one this token may see.' };

export default async function materialApiRoutes(app: FastifyInstance) {
  const tags = ['materials'];

  app.get(
    '/subjects/:id/materials',
    {
      config: apiRouteConfig,
      schema: {
        tags,
        summary: "List a subject's materials",
        description: "The subject's groups' students, its lecturers and admins; anyone else gets 404. Newest first.",
        params: IdParams,
        response: { 200: Type.Object({ items: Type.Array(ref('Material')) }, { description: 'Every material of the subject.' }), 404: notFound, ...errorResponses },
      },
    },
    async (request) => ({ items: (await materials.listMaterials(readAs(request), recordId(request.params, 'subject'))).map(withUrl) }),
  );

  app.post(
    '/subjects/:id/materials',
    {
      config: { ...apiRouteConfig, ...acceptsFiles(materials.MATERIALS_PER_UPLOAD) },
      schema: {
        tags,
        summary: 'Upload materials to a subject',
        description: `Admins and the subject's lecturers (others: 403, or 404 for a subject they may not see). multipart/form-data: one or more files in the field \`file\` (at most ${materials.MATERIALS_PER_UPLOAD}), and an optional \`title\` naming a single file (else each is named after its file). Streamed into storage; the whole request may be at most MAX_CONTENT_LENGTH (413 otherwise, and nothing is kept).`,
        params: IdParams,
        consumes: ['multipart/form-data'],
        response: {
          201: Type.Object({ items: Type.Array(ref('Material')) }, { description: 'The materials made.' }),
          403: { ...ref('Error'), description: 'This token may see the subject but not change its materials.' },
          404: notFound,
          413: { ...ref('Error'), description: 'The files are larger than MAX_CONTENT_LENGTH; nothing was kept.' },
          422: { ...ref('Error'), description: 'No file, an empty file or too many files; `error.fields.file` says which.' },
          ...errorResponses,
        },
      },
    },
    async (request, reply) => {
      const id = recordId(request.params, 'subject');
      // Decided before a byte is stored.
      await materials.subjectToTeach(readAs(request), id);
      const received = await receiveFiles(request);
      try {
        const added = await writeAs(request, (tx) => materials.addMaterials(tx, id, received.files, { title: received.fields.title || undefined }));
        return reply.code(201).send({ items: added.map(withUrl) });
      } catch (error) {
        await received.discard();
        throw error;
      }
    },
  );

  app.get(
    '/materials/:id/file',
    {
      config: apiRouteConfig,
      schema: {
        tags,
        summary: "Download a material's file",
        description:
          'The file, as an attachment, with its Content-Type (active types such as HTML and SVG as application/octet-stream), `X-Content-Type-Options: nosniff`, an ETag (its SHA-256) and `Accept-Ranges: bytes`: send `Range: bytes=a-b` for part of it (206), `If-None-Match` to revalidate (304).',
        params: IdParams,
        response: { 404: notFound, ...errorResponses },
      },
    },
    async (request, reply) => {
      return sendStoredFile(request, reply, await materials.materialFile(readAs(request), recordId(request.params, 'material')));
    },
  );

  app.delete(
    '/materials/:id',
    {
      config: apiRouteConfig,
      schema: {
        tags,
        summary: 'Delete a material',
        description: "Admins and the subject's lecturers. The file is deleted too; the audit trail keeps what it was.",
        params: IdParams,
        response: { 200: { ...ref('Material'), description: 'The material as it was.' }, 403: { ...ref('Error'), description: 'This token may see the material but not delete it.' }, 404: notFound, ...errorResponses },
      },
    },
    async (request) => {
      const deleted = await writeAs(request, (tx) => materials.deleteMaterial(tx, recordId(request.params, 'material')));
      await deleted.afterCommit();
      const { afterCommit: _done, ...material } = deleted;
      return withUrl(material);
    },
  );
}
