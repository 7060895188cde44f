// One zxcvbn-ts instance for the password policy and the secret-strength estimate: English and
// common dictionaries (leaked passwords, words, names, Wikipedia), keyboard layouts. Built on first
// use (a tenth of a second), so commands that never check a password or a secret do not pay for it.
import { ZxcvbnFactory, type ZxcvbnResult } from '@zxcvbn-ts/core';
import { adjacencyGraphs, dictionary as commonDictionary } from '@zxcvbn-ts/language-common';
import { dictionary as englishDictionary } from '@zxcvbn-ts/language-en';

let factory: ZxcvbnFactory | null = null;

/**
 * zxcvbn's analysis of text, with userInputs (names, the service's words) tried as a dictionary of
 * their own. It runs on the event loop: the callers keep text short (passwords are at most 128
 * characters; see passwords.ts) so one check stays within a few tens of milliseconds.
 */
export function zxcvbnCheck(text: string, userInputs: readonly string[] = []): ZxcvbnResult {
  factory ??= new ZxcvbnFactory({
    dictionary: { ...commonDictionary, ...englishDictionary },
    graphs: adjacencyGraphs,
    // Two l33t variants of the text find "s3cr3t", "pr0duct10n" and "P@ssw0rd"; zxcvbn's default of
    // 100 costs more than a second on 128 digits, which are full of characters that read as letters.
    l33tMaxSubstitutions: 2,
  });
  return factory.check(text, [...userInputs]);
}
