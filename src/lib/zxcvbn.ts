// One zxcvbn-ts instance for the password policy and the secret-strength estimate: English and
// common dictionaries (leaked passwords, words, names, Wikipedia), keyboard layouts.
//
// Loaded and built on first use, not at import: the dictionaries cost about 0.3 s and 70 MB of
// memory, and a web worker only needs them when someone sets a password (the SECRET_KEY check is
// the primary's, on a thread of its own: config/secret-estimate-thread.ts). require() keeps the
// checks synchronous; the packages' main entry is CommonJS, the same module an import would load.
import { createRequire } from 'node:module';
import type { ZxcvbnFactory, ZxcvbnResult } from '@zxcvbn-ts/core';

const requireHere = createRequire(import.meta.url);
const load = <T>(id: string): T => requireHere(id) as T;

type Core = typeof import('@zxcvbn-ts/core');
type Common = typeof import('@zxcvbn-ts/language-common');
type English = typeof import('@zxcvbn-ts/language-en');

let factory: ZxcvbnFactory | null = null;

/** ~49,000 common and breached passwords shipped with zxcvbn-ts, most common first. */
export function commonPasswords(): readonly string[] {
  return load<Common>('@zxcvbn-ts/language-common').dictionary['passwords-common'] as string[];
}

/**
 * zxcvbn's analysis of text, with userInputs (names, the service's words) tried as a dictionary of
 * their own. It runs on the event loop: the callers keep text short (passwords are at most 128
 * characters; see passwords.ts) so one check stays within a few tens of milliseconds.
 */
export function zxcvbnCheck(text: string, userInputs: readonly string[] = []): ZxcvbnResult {
  if (!factory) {
    const { ZxcvbnFactory } = load<Core>('@zxcvbn-ts/core');
    const common = load<Common>('@zxcvbn-ts/language-common');
    const english = load<English>('@zxcvbn-ts/language-en');
    factory = new ZxcvbnFactory({
      dictionary: { ...common.dictionary, ...english.dictionary },
      graphs: common.adjacencyGraphs,
      // Two l33t variants of the text find "s3cr3t", "pr0duct10n" and "P@ssw0rd"; zxcvbn's default
      // of 100 costs more than a second on 128 digits, which are full of characters that read as
      // letters.
      l33tMaxSubstitutions: 2,
    });
  }
  return factory.check(text, [...userInputs]);
}
