import { threadId } from "node:worker_threads";
import { spinBudget, spinEnded } from "../wait/spin.js";
import { enterCritical, leaveCritical } from "./critical.js";
import { ownerIsDead } from "./owner.js";

/**
 * A futex mutex for core's short critical sections (the allocator, a
 * queue's log, a barrier's state) that survives its holder's death.
 *
 * The word holds its owner: 0 when free, else the owner's threadId + 1,
 * with CONTENDED set once a waiter may sleep on it (so the unlock knows to
 * notify; Drepper's "Futexes Are Tricky", mutex3). Taking it is one
 * compare-exchange that records the owner in the same step, so there is no
 * instant at which the mutex is held by nobody known. A waiter that sleeps
 * looks every CHECK_MS whether the owner is still alive (thread/liveness.ts);
 * if it died (terminated, killed, out of memory, or with its parent), the
 * first waiter to notice takes the mutex over with one compare-exchange and
 * runs `onTakeover`, which repairs what the dead holder may have left half
 * done (every structure guarded by one is kept crash-consistent for it).
 *
 * A worker is not terminated by multiproc while it holds one (critical.ts):
 * takeover is for deaths nobody chose.
 */
export const CONTENDED = 0x4000_0000;
export const OWNER_MASK = 0x3fff_ffff;
/** This thread as a mutex or lock word names it. */
export const SELF = threadId + 1;
/** How often a sleeping waiter checks that the holder lives. */
const CHECK_MS = 50;

export function lockMutex(words: Int32Array, index: number, onTakeover?: () => void): void {
  enterCritical();
  if (Atomics.compareExchange(words, index, 0, SELF) === 0) return;
  // Spin on reads, trying the exchange only when the word looks free: the
  // holder keeps the cache line until it unlocks.
  for (let spin = spinBudget(); spin > 0; spin--) {
    if (Atomics.load(words, index) !== 0) continue;
    if (Atomics.compareExchange(words, index, 0, SELF) === 0) {
      spinEnded(true);
      return;
    }
  }
  spinEnded(false);
  for (;;) {
    const seen = Atomics.load(words, index);
    if (seen === 0) {
      // Others may sleep on it: take it marked, so our unlock wakes one.
      if (Atomics.compareExchange(words, index, 0, SELF | CONTENDED) === 0) return;
      continue;
    }
    if ((seen & CONTENDED) === 0) {
      Atomics.compareExchange(words, index, seen, seen | CONTENDED);
      continue;
    }
    if (ownerIsDead(words, seen & OWNER_MASK)) {
      if (Atomics.compareExchange(words, index, seen, SELF | CONTENDED) !== seen) continue;
      try {
        takenOver(seen & OWNER_MASK, onTakeover);
      } catch (error) {
        unlockMutex(words, index);
        throw error;
      }
      return;
    }
    Atomics.wait(words, index, seen, CHECK_MS);
  }
}

export function unlockMutex(words: Int32Array, index: number): void {
  if ((Atomics.exchange(words, index, 0) & CONTENDED) !== 0) Atomics.notify(words, index, 1);
  leaveCritical();
}

function takenOver(owner: number, onTakeover: (() => void) | undefined): void {
  if (onTakeover) onTakeover();
  else {
    process.emitWarning(`Thread ${owner - 1} died holding an internal lock of multiproc; thread ${threadId} took it over`, {
      code: "MULTIPROC_ABANDONED_LOCK",
    });
  }
}
