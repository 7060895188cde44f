import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/**
 * A full garbage collection, so that a memory sample counts the buffers still held, not those
 * awaiting collection (node:test gives no --expose-gc). Twice: V8 frees the backing stores of dead
 * ArrayBuffers on a background sweeper after a collection, so after one collection a varying part of
 * them is still counted in `arrayBuffers` (CI saw a 30 MB upload's sample vary from 1.5 to 8.6 MB
 * that way; 0.4 MB every time with two); the second collection waits for the first one's sweep.
 */
export const collectGarbage: () => void = (() => {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  return () => {
    gc();
    gc();
  };
})();
