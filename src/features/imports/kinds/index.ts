// The importable kinds, one adapter each. A new kind adds its adapter file and its line in `adapters`
// (and its name to ImportKind, the imports table's kind); planning, applying and the sheets follow.
import { authorize, can, type Actor } from '../../../access.js';
import type { ServiceContext } from '../../../context.js';
import type { ImportKind } from '../../../db/schema.js';
import type { KindAdapter } from './adapter.js';
import { lecturerAdapter } from './lecturers.js';
import { studentAdapter } from './students.js';
import { subjectAdapter } from './subjects.js';

const adapters: Readonly<Record<ImportKind, KindAdapter>> = { students: studentAdapter, lecturers: lecturerAdapter, subjects: subjectAdapter };

export const importKinds = Object.keys(adapters) as readonly ImportKind[];

export function isImportKind(value: unknown): value is ImportKind {
  return (importKinds as readonly unknown[]).includes(value);
}

export function adapterFor(kind: ImportKind): KindAdapter {
  return adapters[kind];
}

/** The kinds the actor may import, with how the pages name them. */
export function importableKinds(actor: Actor | null | undefined): { kind: ImportKind; title: string }[] {
  return importKinds.map(adapterFor).flatMap((a) => (can(actor, a.action) ? [{ kind: a.kind, title: a.title }] : []));
}

/** The kind's adapter, once the actor may import it. */
export function authorizeKind(ctx: ServiceContext, kind: ImportKind): KindAdapter {
  authorize(ctx.actor, 'imports.run');
  const adapter = adapterFor(kind);
  authorize(ctx.actor, adapter.action);
  return adapter;
}
