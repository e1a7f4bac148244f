/**
 * Memory V8 keeps longer than it must.
 *
 * Native memory V8 does not see. Writing the snapshot encodes every plan and the index into buffers of tens of MB
 * that live outside the JavaScript heap behind small wrappers, so V8 frees them only when the heap itself needs
 * collecting; under steady uploads they piled up (RSS 163 → 420 MB over a 60 s soak). After a snapshot is written
 * (at most once a second, after the changes of a burst, never inside an upload), a full collection frees them at once.
 * A build over many plans does the same with its postings queues.
 *
 * The young generation after a burst. A build or a run of questions grows V8's young generation to its largest
 * (32 MB), and V8 shrinks it again only at a collection that sees a low allocation rate: its memory reducer makes
 * one, but only after a full collection that freed much, which a run of questions need not bring. Once the process
 * has been idle for a while after work (`afterWork`), collections of the young generation let V8 see the rate has
 * dropped and give the 32 MB back (at 1,000 documents, 209 → 178 MB resident once idle).
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

type Gc = (options?: { type?: 'major' | 'minor' }) => void;
let gc: Gc | undefined | null = null;

/** V8's gc function, exposed the first time it is asked for; undefined where the runtime does not allow it. */
function gcFunction(): Gc | undefined {
  if (gc === null) {
    try {
      setFlagsFromString('--expose-gc');
      gc = runInNewContext('gc') as Gc;
    } catch {
      gc = undefined;
    }
  }
  return gc;
}

/** Run a full garbage collection now; false where the runtime does not allow it. */
export function collectGarbage(): boolean {
  const run = gcFunction();
  run?.();
  return run !== undefined;
}

/** Collect the young generation now (a few ms); false where the runtime does not allow it. */
export function collectYoungGeneration(): boolean {
  const run = gcFunction();
  run?.({ type: 'minor' });
  return run !== undefined;
}

/**
 * Give the young generation back: three collections of it, the second 6 s after the first, the third a second
 * later. V8 shrinks the young generation at a collection when the allocation rate it last sampled is low, and it
 * samples at each collection: the first collection closes the interval that holds the end of the work, the second
 * samples 6 s of quiet (V8 looks at the last 5 s), and the third, seeing that low rate, shrinks it (measured: the
 * pair of the first two shrank it in one run of four; the third in every run).
 */
export function releaseYoungGeneration(): void {
  if (!collectYoungGeneration()) return;
  setTimeout(() => {
    collectYoungGeneration();
    setTimeout(collectYoungGeneration, 1_000).unref();
  }, QUIET_SAMPLE_MS).unref();
}

/** How long the second collection of a release waits after the first (more than V8's 5 s window). */
const QUIET_SAMPLE_MS = 6_000;

/** How long the process must have been idle after work before the young generation is given back. */
export const IDLE_MS = 10_000;

export interface IdleRelease {
  /** Work was done now: `collect` runs once the process has been idle for `idleMs` since the last touch. */
  touch(): void;
}

/** Run `collect` once after each burst of work, `idleMs` after the burst's last touch (the timer keeps no process alive). */
export function idleRelease(options: { idleMs?: number; collect?: () => void } = {}): IdleRelease {
  const idleMs = options.idleMs ?? IDLE_MS;
  const collect = options.collect ?? releaseYoungGeneration;
  let timer: NodeJS.Timeout | undefined;
  return {
    touch() {
      if (timer) {
        timer.refresh();
        return;
      }
      timer = setTimeout(() => {
        timer = undefined;
        collect();
      }, idleMs);
      timer.unref();
    },
  };
}

/** The process's release after work: builds and answers touch it. */
export const afterWork: IdleRelease = idleRelease();
