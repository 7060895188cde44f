// The subject a question is about, found among the subjects the asker may see (subjects service:
// an admin all running ones, a lecturer those they teach, a student their group's). A name outside
// that sight is "not found", exactly as a name that does not exist: the answer tells nothing more.
import { can } from '../../access.js';
import type { ServiceContext } from '../../context.js';
import { listSubjects, type SubjectView } from '../subjects/service.js';
import { foldQuestion, subjectPhrase, subjectRemainder } from './intents.js';

export type SubjectLookup =
  | { kind: 'found'; subject: SubjectView }
  | { kind: 'several'; phrase: string; subjects: SubjectView[] }
  | { kind: 'unknown'; phrase: string }
  /** `tried`: the question's other words, searched as a name and matching none of the asker's subjects. */
  | { kind: 'unnamed'; tried?: string };

/** How many of a person's subjects are read to find one named anywhere in the question. */
const OWN_SUBJECTS = 100;

export async function subjectNamed(ctx: ServiceContext, message: string): Promise<SubjectLookup> {
  const phrase = subjectPhrase(message);
  // An account with no subjects to see (a student account without its record) has none to name.
  if (!can(ctx.actor, 'subjects.view')) return phrase ? { kind: 'unknown', phrase } : { kind: 'unnamed' };
  if (phrase) {
    // The subjects' search (an index at any size): by the phrase, then, for "Databases course", by its longest word.
    const found = (await listSubjects(ctx, { q: phrase.slice(0, 100), limit: 10 })).items;
    const exact = found.find((s) => foldQuestion(s.name) === foldQuestion(phrase));
    if (exact) return { kind: 'found', subject: exact };
    if (found.length === 1) return { kind: 'found', subject: found[0]! };
    if (found.length > 1) return { kind: 'several', phrase, subjects: found };
  }
  // A subject named elsewhere in the question ("Algorithms: which files?"): among the asker's own
  // first subjects, the longest name the question holds.
  const text = foldQuestion(message);
  const own = (await listSubjects(ctx, { limit: OWN_SUBJECTS })).items;
  const named = own.filter((s) => wholeWordsIn(text, foldQuestion(s.name))).sort((a, b) => b.name.length - a.name.length);
  if (named[0]) return { kind: 'found', subject: named[0] };
  if (phrase) return { kind: 'unknown', phrase };
  // "grades discrete math": the words left once those of the question are gone, searched as a name.
  // Nothing found is no subject named ("latest scores" leaves nothing; a stray word finds nothing).
  const rest = subjectRemainder(message);
  if (!rest) return { kind: 'unnamed' };
  const guessed = (await listSubjects(ctx, { q: rest.slice(0, 100), limit: 10 })).items;
  const exact = guessed.find((s) => foldQuestion(s.name) === rest);
  if (exact || guessed.length === 1) return { kind: 'found', subject: exact ?? guessed[0]! };
  if (guessed.length > 1) return { kind: 'several', phrase: rest, subjects: guessed };
  return { kind: 'unnamed', tried: rest };
}

function wholeWordsIn(text: string, name: string): boolean {
  const at = text.indexOf(name);
  if (at < 0 || name.length < 2) return false;
  const before = at === 0 ? ' ' : text[at - 1]!;
  const after = text[at + name.length] ?? ' ';
  return !/[\p{L}\p{N}]/u.test(before) && !/[\p{L}\p{N}]/u.test(after);
}
