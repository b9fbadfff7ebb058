import { enterCritical, leaveCritical } from "./critical.js";

/**
 * The three-state futex mutex of Drepper's "Futexes Are Tricky" (mutex2):
 * 0 unlocked, 1 locked, 2 locked with possible waiters. The uncontended path
 * is one compare-exchange to lock and one exchange to unlock, with no notify.
 * Sync only: core uses it for short critical sections (the allocator).
 *
 * A worker is never terminated by multiproc while it holds or waits for one
 * (critical.ts), so a lock is never left held by a thread that is gone.
 */
const UNLOCKED = 0;
const LOCKED = 1;
const CONTENDED = 2;
/** Critical sections here are a few hundred nanoseconds: worth this many reads before a sleep. */
const SPIN_READS = 1000;

export function lockMutex(words: Int32Array, index: number): void {
  enterCritical();
  let state = Atomics.compareExchange(words, index, UNLOCKED, LOCKED);
  if (state === UNLOCKED) return;
  // Spin on reads, trying the exchange only when the word looks free: the
  // holder keeps the cache line until it unlocks.
  for (let spin = 0; spin < SPIN_READS; spin++) {
    if (Atomics.load(words, index) !== UNLOCKED) continue;
    state = Atomics.compareExchange(words, index, UNLOCKED, LOCKED);
    if (state === UNLOCKED) return;
  }
  // Mark contended before sleeping, so the holder's unlock knows to notify.
  if (state !== CONTENDED) state = Atomics.exchange(words, index, CONTENDED);
  while (state !== UNLOCKED) {
    Atomics.wait(words, index, CONTENDED);
    state = Atomics.exchange(words, index, CONTENDED);
  }
}

export function unlockMutex(words: Int32Array, index: number): void {
  if (Atomics.exchange(words, index, UNLOCKED) === CONTENDED) Atomics.notify(words, index, 1);
  leaveCritical();
}
