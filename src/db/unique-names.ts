// Records whose names are unique by their folded key (lib/text-rules uniqueNameKey; groups,
// migration 0004, and subjects, migration 0006): one message for a name that is taken, and one
// way to turn the unique index's refusal of a racing write into that message.
import { Conflict } from '../lib/errors.js';
import { uniqueViolation } from './constraint-errors.js';

/** "A group named "CS-101" already exists…", naming the `name` field and the fix. */
export function nameTaken(noun: 'group' | 'subject', existing: { name: string; archived: boolean }, name: string): Conflict {
  // "ＣＳ-101" or "cs‐101" beside "CS-101": say why a name that differs counts as the same.
  const alike = existing.name === name ? '' : ' (names that differ only in capitals, character width, dashes or invisible characters count as the same)';
  return new Conflict(`That ${noun} name is taken.`, { name: `A ${noun} named "${existing.name}" already exists${existing.archived ? ' (archived)' : ''}${alike}; choose another name.` });
}

/**
 * Runs a write of `name` (undefined: the write changes no name); a refusal by the name's unique
 * index (a request at the same moment got past the service's check) becomes nameTaken.
 */
export async function keyedWrite<T>(noun: 'group' | 'subject', name: string | undefined, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    const unique = uniqueViolation(error);
    if (name === undefined || !unique || (unique.field !== 'nameKey' && unique.field !== 'name')) throw error;
    throw nameTaken(noun, { name, archived: false }, name);
  }
}
