// Pure helpers for records of people: the folded search text, readable usernames, tidy contact
// data. Students and lecturers share them so both lists search and name accounts the same way.
import { packageOnFirstUse } from './on-first-use.js';

// Only a new username needs it, and loading it took 70 ms of every server process's start (it
// builds its tables of replacements as it loads). An ES module: require() loads it since Node 20.19.
const transliterator = packageOnFirstUse<{ default: (text: string) => string }>('@sindresorhus/transliterate');

// Latin letters that Unicode does not decompose into a base letter and a mark.
const separateLetters: Record<string, string> = { đ: 'd', ð: 'd', ł: 'l', ø: 'o', ħ: 'h', ı: 'i', ŧ: 't', æ: 'ae', œ: 'oe', ß: 'ss', þ: 'th' };

/** Lower case without accents: "Šarić" and "saric", "Đurđa" and "durda" find each other. */
export function fold(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/[đðłøħıŧæœßþ]/g, (c) => separateLetters[c]!);
}

/** The one column the lists search: every searchable field, folded, space-separated. */
export function searchTextOf(fields: ReadonlyArray<string | null | undefined>): string {
  return fold(fields.filter((f): f is string => typeof f === 'string' && f.length > 0).join(' '));
}

/**
 * The key the lists sort names by: folded surname, then folded first name, so "Šarić" sorts with
 * "Saric" between "Popović" and "Vuković" on both engines instead of after "Z" by its bytes.
 */
export function sortNameOf(person: { lastName: string; firstName: string }): string {
  return `${fold(person.lastName)}\u0001${fold(person.firstName)}`;
}

/** A search query folded the same way, or null when it has nothing to search for. */
export function foldQuery(q: string | null | undefined): string | null {
  const folded = q ? fold(q.trim()).replace(/\s+/g, ' ') : '';
  return folded.length > 0 ? folded : null;
}

function asciiWord(text: string): string {
  return transliterator().default(text.normalize('NFC'))
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '');
}

/**
 * The readable base of a generated username: first initial, a dot, the last name, in ASCII
 * ("Šárka Dvořáková" -> "s.dvorakova"). Collisions get a number: s.novak, s.novak2, s.novak3 …
 */
export function usernameBase(firstName: string, lastName: string): string {
  const initial = asciiWord(firstName).slice(0, 1);
  const last = asciiWord(lastName).slice(0, 40);
  if (!last) return initial ? `${initial}.user` : 'user';
  return initial ? `${initial}.${last}` : last;
}

/** The usernames tried for a base, in order: n = 1 gives the base ("s.novak"), then s.novak2, s.novak3 … */
export function numberedUsername(base: string, n: number): string {
  return n === 1 ? base : `${base}${n}`;
}

/** Whether a YYYY-MM-DD text names a real calendar day (no 2025-02-30). */
export function isCalendarDate(text: string): boolean {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!match) return false;
  const [y, m, d] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(y, m - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
}

export function fullName(person: { firstName: string; lastName: string; patronymic?: string | null }): string {
  return [person.firstName, person.patronymic, person.lastName].filter(Boolean).join(' ');
}
