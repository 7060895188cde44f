// A subject's learning materials: files its lecturers (and admins) upload, which its groups'
// students download. The bytes were streamed into storage by the route (plugins/streamed-uploads);
// here they are recorded, replaced and deleted, each in the audit trail under the subject. A file
// whose row is deleted loses its object only after the transaction commits (afterCommit), so a
// rollback never leaves a row without its bytes.
import { subjectScope } from '../../access.js';
import { signedInActor, type ServiceContext } from '../../context.js';
import { Forbidden, Invalid, NotFound } from '../../lib/errors.js';
import { createProperties } from '../../lib/record-fields.js';
import { validate } from '../../lib/validation.js';
import { recordAudit } from '../audit/service.js';
import * as files from '../files/service.js';
import { materialFields } from './material-fields.js';
import * as repo from './repository.js';
import { getSubject, mayTeach, type SubjectView } from './service.js';
import Type from 'typebox';

export interface MaterialView {
  id: number;
  subjectId: number;
  title: string;
  originalName: string;
  contentType: string;
  size: number;
  sha256: string;
  createdAt: Date;
  /** When its file was last replaced. */
  updatedAt: Date | null;
  /** Its file's record (kept so that a replacement or deletion reads the material once). */
  fileId: number;
}

type MaterialRow = NonNullable<Awaited<ReturnType<typeof repo.findMaterial>>>;

function view(row: MaterialRow): MaterialView {
  return {
    id: row.id,
    subjectId: row.subjectId,
    title: row.title,
    originalName: row.originalName,
    contentType: row.contentType,
    size: Number(row.size),
    sha256: row.sha256,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
    fileId: row.fileId,
  };
}

/** At most this many files in one upload. */
export const MATERIALS_PER_UPLOAD = 20;

const AddMaterialsInput = Type.Object(createProperties(materialFields));

/** The materials of subjects the caller has already found in the actor's sight, by subject. */
export async function materialsOfSubjects(ctx: Pick<ServiceContext, 'db'>, subjects: readonly Pick<SubjectView, 'id'>[]): Promise<Map<number, MaterialView[]>> {
  const rows = await repo.materialsOfSubjects(
    ctx.db,
    subjects.map((s) => s.id),
  );
  const bySubject = new Map<number, MaterialView[]>(subjects.map((s) => [s.id, []]));
  for (const row of rows) bySubject.get(row.subjectId)?.push(view(row));
  return bySubject;
}

/** A subject's materials, if the actor may see the subject. */
export async function listMaterials(ctx: ServiceContext, subjectId: number): Promise<MaterialView[]> {
  const subject = await getSubject(ctx, subjectId);
  return (await materialsOfSubjects(ctx, [subject])).get(subject.id) ?? [];
}

/**
 * The subject whose materials the actor changes: 404 unless they see it, 403 unless they teach it
 * (or are an admin). Routes ask it before a byte of an upload is stored.
 */
export async function subjectToTeach(ctx: ServiceContext, subjectId: number): Promise<SubjectView> {
  const subject = await getSubject(ctx, subjectId);
  if (!mayTeach(signedInActor(ctx), subject)) throw new Forbidden('Only an admin or a lecturer who teaches this subject may change its materials.');
  return subject;
}

/** The title of a file uploaded without one: its name without the extension. */
function titleOf(originalName: string): string {
  const stem = originalName.replace(/\.[^.]{1,8}$/, '').trim();
  return (stem || originalName).slice(0, 200);
}

/**
 * Records files already stored as materials of the subject. One title, when given, names a single
 * file; several files take their own names. Throws before recording anything when the actor may
 * not, and then the caller discards the stored objects.
 */
export async function addMaterials(ctx: ServiceContext, subjectId: number, uploads: readonly files.NewFileRecord[], input: unknown = {}): Promise<MaterialView[]> {
  const subject = await subjectToTeach(ctx, subjectId);
  const { title } = validate(AddMaterialsInput, input);
  if (uploads.length === 0) throw new Invalid('Choose a file to upload.', { file: 'Choose one or more files.' });
  const now = ctx.clock.now();
  const added: MaterialView[] = [];
  for (const upload of uploads) {
    const fileId = await files.recordStoredFile(ctx, upload);
    const materialTitle = title && uploads.length === 1 ? title : titleOf(upload.originalName);
    const { id } = await repo.insertMaterial(ctx.db, { subjectId: subject.id, fileId, title: materialTitle, createdBy: ctx.actor && ctx.actor.userId > 0 ? ctx.actor.userId : null, createdAt: now, updatedAt: null });
    const material = await getMaterialRow(ctx, id);
    added.push(material);
    await recordAudit(ctx, { action: 'material.added', entity: 'subject', entityId: subject.id, after: auditable(material) });
  }
  return added;
}

function auditable(m: MaterialView) {
  return { material: m.title, file: m.originalName, contentType: m.contentType, size: m.size, sha256: m.sha256 };
}

async function getMaterialRow(ctx: ServiceContext, id: number): Promise<MaterialView> {
  const row = await repo.findMaterial(ctx.db, subjectScope(signedInActor(ctx)), id);
  if (!row) throw new NotFound('No such material.');
  return view(row);
}

/** One material, if the actor may see its subject. */
export function getMaterial(ctx: ServiceContext, id: number): Promise<MaterialView> {
  return getMaterialRow(ctx, id);
}

/** Puts a new file under the material (same title); the old file's object goes after commit. */
export async function replaceMaterial(ctx: ServiceContext, id: number, upload: files.NewFileRecord): Promise<MaterialView & files.AfterCommit> {
  const before = await getMaterialRow(ctx, id);
  await subjectToTeach(ctx, before.subjectId);
  const fileId = await files.recordStoredFile(ctx, upload);
  await repo.updateMaterial(ctx.db, id, { fileId, updatedAt: ctx.clock.now() });
  const oldKey = await files.deleteFileRecord(ctx, before.fileId);
  const after = await getMaterialRow(ctx, id);
  await recordAudit(ctx, { action: 'material.replaced', entity: 'subject', entityId: before.subjectId, before: auditable(before), after: auditable(after) });
  return { ...after, afterCommit: () => files.discardStoredObjects(ctx, oldKey ? [oldKey] : []) };
}

/** Deletes the material and its file; the object goes after commit. */
export async function deleteMaterial(ctx: ServiceContext, id: number): Promise<MaterialView & files.AfterCommit> {
  const before = await getMaterialRow(ctx, id);
  await subjectToTeach(ctx, before.subjectId);
  await repo.deleteMaterial(ctx.db, id);
  const oldKey = await files.deleteFileRecord(ctx, before.fileId);
  await recordAudit(ctx, { action: 'material.deleted', entity: 'subject', entityId: before.subjectId, before: auditable(before) });
  return { ...before, afterCommit: () => files.discardStoredObjects(ctx, oldKey ? [oldKey] : []) };
}

/** The file of a material the actor may see (its subject's groups, lecturers and admins), ready to send. */
export async function materialFile(ctx: ServiceContext, id: number): Promise<files.StoredFile> {
  const row = await repo.findMaterial(ctx.db, subjectScope(signedInActor(ctx)), id);
  if (!row) throw new NotFound('No such material.');
  // Last-Modified is when these bytes were stored: a replaced file is a new file.
  return files.storedFile(ctx, { ...row, createdAt: row.fileCreatedAt }, { materialId: row.id });
}
