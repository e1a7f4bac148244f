/**
 * Native memory V8 does not see. Each answerer holds a jieba dictionary (@node-rs/jieba, about 40 MB outside the
 * JavaScript heap) behind a wrapper of a few bytes, so V8 collects a replaced answerer — and frees its dictionary —
 * only when the heap itself needs collecting. Under steady uploads that left up to a dozen dead dictionaries
 * resident (RSS swinging 440 → 970 MB). After the documents change, a full collection frees the old one at once.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

let gc: (() => void) | undefined | null = null;

/** Run a full garbage collection now; false where the runtime does not allow it. */
export function collectGarbage(): boolean {
  if (gc === null) {
    try {
      setFlagsFromString('--expose-gc');
      gc = runInNewContext('gc') as () => void;
    } catch {
      gc = undefined;
    }
  }
  gc?.();
  return gc !== undefined;
}
