// The similarity index of a database's thesis titles, one per process, kept while the titles are
// unchanged: a search first reads theses.version (one look-up by key) and builds the index again
// only after a change (about 0.6 s for 50,000 titles). Every worker and instance keeps its own and
// learns of another's change through the same version.
import type { Db } from '../../db/index.js';
import * as repo from './repository.js';
import { TitleIndex } from '../../lib/similarity.js';

const kept = new WeakMap<Db, { version: number; index: Promise<TitleIndex> }>();

export async function titleIndexOf(db: Db): Promise<TitleIndex> {
  const version = await repo.thesesVersion(db);
  const have = kept.get(db);
  if (have && have.version === version) return have.index;
  // Kept as a promise, so searches arriving while it is built wait for the one build.
  const index = repo.allTitles(db).then((rows) => new TitleIndex(rows));
  kept.set(db, { version, index });
  index.catch(() => kept.delete(db));
  return index;
}
