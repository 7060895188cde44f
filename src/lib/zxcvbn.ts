// One zxcvbn-ts instance for the password policy and the secret-strength estimate: English and
// common dictionaries (leaked passwords, words, names, Wikipedia), keyboard layouts.
//
// Loaded and built on first use, not at import: the dictionaries cost about 0.3 s and 70 MB of
// memory, and a web worker only needs them when someone sets a password (the SECRET_KEY check is
// the primary's; see config/index.ts). require() keeps the checks synchronous; the packages' main
// entry is CommonJS, the same module an import would load.
import { createRequire } from 'node:module';
import { sep } from 'node:path';
import type { ZxcvbnFactory, ZxcvbnResult } from '@zxcvbn-ts/core';

// A require made per load, not kept: the module a require is made for lists what it loaded as
// its children, so a kept one would hold the dictionaries after releaseZxcvbn.
const load = <T>(id: string): T => createRequire(import.meta.url)(id) as T;

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

/**
 * Lets the collector take the dictionaries back: for a long-lived process that judged its secrets
 * at start and checks no password after (`fms serve`'s primary). The next check loads them again.
 */
export function releaseZxcvbn(): void {
  factory = null;
  const cache = createRequire(import.meta.url).cache;
  for (const file of Object.keys(cache)) if (file.includes(`${sep}@zxcvbn-ts${sep}`)) delete cache[file];
}
