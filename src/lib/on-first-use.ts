// Packages most processes never need, loaded where first used: every process of `fms serve` (the
// primary and each worker) loaded Markdown, stop words, tar, the zip and CSV readers and the
// calendar writer at start, about 0.15 s of a start that is measured against 1 s
// (bench/RESULTS.md, start to ready). Synchronous callers get a package through require(); the
// CommonJS build each of these ships is the same code as its ES-module one.
import { createRequire } from 'node:module';

const requireOnDemand = createRequire(import.meta.url);

/** `load` runs once, on the first call; later calls get what it returned. */
export function onFirstUse<T>(load: () => T): () => T {
  let loaded: { value: T } | null = null;
  return () => (loaded ??= { value: load() }).value;
}

/** A package required on first use (see above), typed by the caller. */
export function packageOnFirstUse<T>(name: string): () => T {
  return onFirstUse(() => requireOnDemand(name) as T);
}
