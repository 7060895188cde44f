// How hard a machine secret (SECRET_KEY, METRICS_TOKEN) is to guess, in bits, for an attacker who
// knows the patterns people type: words, names, leaked passwords, sequences, repetitions, keyboard
// walks, dates, and the values printed in FMS's documentation.
//
// zxcvbn-ts finds the patterns; the price of what it cannot explain is ours. zxcvbn assumes 10
// guesses for every such character (a person's password), so a random 64-digit hex key would score
// like 64 decimal digits. Here its reading of the secret is re-priced: a pattern match counts log2
// of zxcvbn's guesses for it, and a stretch of unexplained characters counts its length times log2
// of the alphabet the secret actually uses (hex 16, base64 64, …).
import type { MatchEstimated } from '@zxcvbn-ts/core';
import { zxcvbnCheck } from './zxcvbn.js';

/**
 * The bar, in estimated bits, well below "about 128" for a secret that is random. `openssl rand
 * -hex 16` (exactly 128 random bits, the shortest hex value the docs allow) must pass every time,
 * yet any random string holds a few short "words", dates and digit runs that the estimate reads as
 * cheaper than they are: over 10,000 such keys the estimates ran from 98.7 bits (median 123.5; 1%
 * under 110), and CI once drew 6420000233224de51ef90009065766d5 at 92.8 ("0000", "2000" as a date,
 * a sequence), which the bar of 96 refused. The longer outputs of `openssl rand -hex 32`,
 * `-base64 32`, `-base64 48` and `token_urlsafe(32)` never fall below 224. Every weak example of the
 * 2026-12-05 review stays under 50 bits, or is refused as a phrase (MAX_WORD_SHARE), so the bar sits
 * between: 2^80 guesses against an HMAC key are out of reach of any offline attack.
 */
export const REQUIRED_SECRET_BITS = 80;

/**
 * A secret whose characters are at least this share dictionary words is a phrase someone chose,
 * however long: zxcvbn prices each word by its rank and cannot tell a sentence from random words.
 * Random keys have a few short words by chance (under a third of their characters, in the tests).
 */
const MAX_WORD_SHARE = 0.5;

export interface SecretStrength {
  /** Estimated bits an attacker must guess. */
  bits: number;
  /** The share of characters that read as dictionary words (0 to 1). */
  wordShare: number;
  /** The kinds of pattern the reading found, in words ("a repetition", "a word", …). */
  patterns: string[];
  /** The alphabet the secret draws from, as counted for characters no pattern explains. */
  alphabet: number;
}

/**
 * The alphabet a secret draws from: decimal when it is only digits, hex when only hex digits of one
 * case; otherwise the sum of the classes it uses (26 lower, 26 upper, 10 digits, 2 for base64's
 * `+/` or `-_`, 33 for other ASCII punctuation and space, 100 for anything beyond ASCII).
 */
export function alphabetSize(secret: string): number {
  if (/^[0-9]+$/.test(secret)) return 10;
  if (/^[0-9a-f]+$/.test(secret) || /^[0-9A-F]+$/.test(secret)) return 16;
  let size = 0;
  if (/[a-z]/.test(secret)) size += 26;
  if (/[A-Z]/.test(secret)) size += 26;
  if (/[0-9]/.test(secret)) size += 10;
  const symbols = secret.replace(/[A-Za-z0-9]/g, '');
  if (/^[+/]+$/.test(symbols) || /^[-_]+$/.test(symbols)) size += 2;
  else if (/[\x20-\x7e]/.test(symbols)) size += 33;
  if (/[^\x20-\x7e]/.test(secret)) size += 100;
  return Math.max(size, 2);
}

const patternNames: Record<string, string> = {
  dictionary: 'words',
  repeat: 'a repetition',
  sequence: 'a sequence',
  spatial: 'a keyboard pattern',
  date: 'a date',
  regex: 'a year',
  wordSequence: 'a word sequence',
};

/** zxcvbn's separators: a stretch it left unexplained may still be words between them. */
const SEPARATORS = /([ ,;:|/\\_.-]+)/;
const SEPARATOR_BITS = Math.log2(10);

interface Priced {
  /** Sum of the segments' bits. */
  bits: number;
  /** How many segments (pattern matches and unexplained stretches) the reading has. */
  segments: number;
  wordCharacters: number;
  patterns: Set<string>;
}

/** zxcvbn's reading of text, re-priced; stretches it left unexplained are split at separators. */
function price(text: string, perCharacter: number, userInputs: string[], depth = 0): Priced {
  const out: Priced = { bits: 0, segments: 0, wordCharacters: 0, patterns: new Set() };
  if (!text) return out;
  const sequence = zxcvbnCheck(text, userInputs).sequence as MatchEstimated[];
  for (const match of sequence) {
    if (match.pattern === 'bruteforce') {
      const piece = depth === 0 ? priceStretch(match.token, perCharacter, userInputs) : unexplained(match.token, perCharacter);
      out.bits += piece.bits;
      out.segments += piece.segments;
      out.wordCharacters += piece.wordCharacters;
      for (const p of piece.patterns) out.patterns.add(p);
      continue;
    }
    out.bits += Math.log2(Math.max(match.guesses, 1));
    out.segments += 1;
    if (match.pattern === 'dictionary' && match.token.length >= 3) out.wordCharacters += match.token.length;
    if (patternNames[match.pattern]) out.patterns.add(patternNames[match.pattern]!);
  }
  return out;
}

/**
 * zxcvbn may leave "_very_long_" as one unexplained stretch: at its price of 10 guesses a character
 * that is cheaper than three more patterns, at ours it is not. So the parts between separators are
 * read again on their own, and the stretch costs the cheaper of the two readings.
 */
function priceStretch(stretch: string, perCharacter: number, userInputs: string[]): Priced {
  const flat = unexplained(stretch, perCharacter);
  const parts = stretch.split(SEPARATORS).filter(Boolean);
  if (parts.length < 2) return flat;
  const out: Priced = { bits: 0, segments: 0, wordCharacters: 0, patterns: new Set() };
  for (const part of parts) {
    const read = SEPARATORS.test(part) ? unexplained(part, Math.min(perCharacter, SEPARATOR_BITS)) : price(part, perCharacter, userInputs, 1);
    out.bits += read.bits;
    out.segments += read.segments;
    out.wordCharacters += read.wordCharacters;
    for (const p of read.patterns) out.patterns.add(p);
  }
  return total(out) < total(flat) ? out : flat;
}

function unexplained(text: string, perCharacter: number): Priced {
  return { bits: text.length * perCharacter, segments: 1, wordCharacters: 0, patterns: new Set() };
}

/**
 * zxcvbn's total for a reading of l segments, l! * (product of their guesses) + D^(l-1) with D =
 * 10^4, in bits: the attacker does not know the order of the patterns, and tries every shorter
 * reading first. Without the l! term, a random key would look weak for the short "words" and
 * dates that any random string contains.
 */
function total(reading: Priced): number {
  const ordered = reading.bits + log2Factorial(reading.segments);
  const shorter = (reading.segments - 1) * Math.log2(10_000);
  return Math.max(ordered, shorter) + Math.log2(1 + 2 ** -Math.abs(ordered - shorter));
}

function log2Factorial(n: number): number {
  let sum = 0;
  for (let i = 2; i <= n; i++) sum += Math.log2(i);
  return sum;
}

/** Words of the known values (documented examples, the service's names), tried before anything else. */
function userInputsOf(knownValues: readonly string[]): string[] {
  const out = new Set<string>();
  for (const value of knownValues) {
    const folded = value.trim().toLowerCase();
    if (!folded) continue;
    out.add(folded);
    for (const word of folded.split(/[^a-z0-9]+/)) if (word.length >= 2) out.add(word);
  }
  return [...out];
}

/**
 * Estimates the bits of a secret. `knownValues` (examples from the docs, the development key) are
 * tried first, whole and word by word.
 */
export function estimateSecretStrength(secret: string, knownValues: readonly string[] = []): SecretStrength {
  // base64's trailing `=` is padding, not randomness.
  const text = /^[A-Za-z0-9+/]+=+$/.test(secret) ? secret.replace(/=+$/, '') : secret;
  const alphabet = alphabetSize(text);
  if (!text) return { bits: 0, wordShare: 0, patterns: [], alphabet };
  const priced = price(text, Math.log2(alphabet), userInputsOf(knownValues));
  return { bits: total(priced), wordShare: priced.wordCharacters / text.length, patterns: [...priced.patterns], alphabet };
}

/** Why a secret is too weak, in words for an error message, or null when it is strong enough. */
export function secretWeakness(secret: string, knownValues: readonly string[] = []): string | null {
  const strength = estimateSecretStrength(secret.trim(), knownValues);
  const found = strength.patterns.length ? ` (it reads as ${strength.patterns.join(', ')})` : '';
  if (strength.wordShare >= MAX_WORD_SHARE) return `is made of words, not random characters${found}`;
  if (strength.bits < REQUIRED_SECRET_BITS)
    return `is not random enough: about ${Math.floor(strength.bits)} bits of guessing where ${REQUIRED_SECRET_BITS} are needed${found}`;
  return null;
}
