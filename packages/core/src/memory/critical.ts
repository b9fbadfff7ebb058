import { coreState } from "../state.js";
import { deadlineOf, remaining } from "../wait/options.js";
import { sleepAsync } from "../wait/wait.js";

/**
 * Stopping a worker only outside critical sections.
 *
 * `worker.terminate()` stops a thread wherever it is. A thread stopped while
 * it holds a shared mutex (a queue's, the arena's) leaves it locked for good,
 * and the next thread to touch that queue or allocate blocks forever. So a
 * parent that stops a child multiproc started first asks it to stop and
 * waits until the child is outside every critical section:
 *
 * ```
 * child, entering its outermost section:  store IN_CRITICAL = 1; load STOP
 * parent, before terminate():             store STOP = 1;        load IN_CRITICAL
 * ```
 * With sequentially consistent atomics at least one side sees the other's
 * store (Dekker). If the child sees STOP it parks, outside the section,
 * until it is terminated; if the parent sees IN_CRITICAL = 1 it waits for
 * the child to leave (the child parks on leaving and notifies). Sections are
 * short and never wait for anything but another mutex.
 *
 * The two words live in the thread's record (records.ts). The state is kept
 * on the per-thread core state, so every loaded copy of core shares it.
 */
export interface CriticalGuard {
  /** This thread's record words; undefined in threads nobody stops (the main thread). */
  words: Int32Array | undefined;
  inCritical: number;
  stop: number;
  /** Nesting of mutexes this thread holds or waits for (the queue's, then the arena's). */
  depth: number;
}

const guard: CriticalGuard = (coreState().critical ??= { words: undefined, inCritical: 0, stop: 0, depth: 0 });

/** Child side, at start-up: which words of its record say "in a critical section" and "stop". */
export function guardThisThread(words: Int32Array, inCritical: number, stop: number): void {
  guard.words = words;
  guard.inCritical = inCritical;
  guard.stop = stop;
}

export function enterCritical(): void {
  const words = guard.words;
  if (words === undefined || guard.depth++ !== 0) return;
  Atomics.store(words, guard.inCritical, 1);
  if (Atomics.load(words, guard.stop) !== 0) park(words);
}

/**
 * Plain accesses, no barrier: a parent that misses this store or a child
 * that misses STOP here only waits a little longer (the parent re-reads
 * IN_CRITICAL every 50 ms; the child's next entry sees STOP and parks).
 * Only the entry needs the Dekker ordering.
 */
export function leaveCritical(): void {
  const words = guard.words;
  if (words === undefined || --guard.depth !== 0) return;
  words[guard.inCritical] = 0;
  if (words[guard.stop] !== 0) park(words);
}

/** Outside every section, asked to stop: say so and sleep until terminated. */
function park(words: Int32Array): never {
  Atomics.store(words, guard.inCritical, 0);
  Atomics.notify(words, guard.inCritical);
  for (;;) Atomics.wait(words, guard.stop, 1);
}

/** How long a parent waits for a child to leave a section: far longer than any section runs. */
const LEAVE_TIMEOUT_MS = 2000;

/**
 * Parent side: asks the child whose record words these are to stop, and
 * resolves once it is outside every critical section (then terminate() is
 * safe). A child still inside after LEAVE_TIMEOUT_MS waits for a mutex whose
 * holder died unannounced (out of memory); it is reported and stopped anyway.
 * The caller makes sure the record is still the child's (it has not exited).
 */
export async function requestStop(words: Int32Array, inCritical: number, stop: number, name: string, ended: () => boolean): Promise<void> {
  Atomics.store(words, stop, 1);
  const deadline = deadlineOf(LEAVE_TIMEOUT_MS);
  // `ended`: the child exited meanwhile, and its record may be freed and reused.
  while (!ended() && Atomics.load(words, inCritical) !== 0) {
    if (remaining(deadline) === 0) {
      process.emitWarning(`${name} stayed in a critical section for ${LEAVE_TIMEOUT_MS} ms (waiting for a lock whose holder died?); stopping it there`, { code: "MULTIPROC_STOP_IN_CRITICAL" });
      return;
    }
    await sleepAsync(words, inCritical, 1, deadline, undefined, 50); // slices: to see `ended`
  }
}
