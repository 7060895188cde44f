// Uploaded files' records. The storage holds the bytes; this table holds what they should be.
import type { ServiceContext } from '../../context.js';
import * as repo from './repository.js';

/** Every file record by storage key (operators' tools only: no actor check; the CLI is the operator). */
export async function fileRecordsByKey(ctx: Pick<ServiceContext, 'db'>) {
  const rows = await repo.listFileRecords(ctx.db);
  return new Map(rows.map((r) => [r.storageKey, { sha256: r.sha256, contentType: r.contentType }]));
}
