import { remaining } from "@multiproc/core/internal";
import { SEQ, TOKENS, WAITERS } from "./layout.js";

/**
 * Called holding the lock: counts this thread as a waiter and returns its
 * epoch, the SEQ value at registration. Only a notify that comes later bumps
 * SEQ past it, and only then may this waiter take a token: a thread that
 * starts waiting after a notify can never take the token that notify meant
 * for the threads already waiting (that theft loses wake-ups).
 */
export function register(words: Int32Array): number {
  Atomics.add(words, WAITERS, 1);
  return Atomics.load(words, SEQ);
}

function takeToken(words: Int32Array): boolean {
  for (let t = Atomics.load(words, TOKENS); t > 0; t = Atomics.load(words, TOKENS)) {
    if (Atomics.compareExchange(words, TOKENS, t, t - 1) === t) return true;
  }
  return false;
}

/**
 * Leaves wait() on a timeout or an abort. A waiter that a notify could have
 * meant takes a token if one is left (it counts as notified, and no token is
 * stranded with nobody allowed to take it); otherwise it drops one WAITERS
 * count. Returns whether it was notified.
 */
export function leave(words: Int32Array, epoch: number): boolean {
  for (;;) {
    if (Atomics.load(words, SEQ) !== epoch && takeToken(words)) return true;
    const waiting = Atomics.load(words, WAITERS);
    if (waiting > 0 && Atomics.compareExchange(words, WAITERS, waiting, waiting - 1) === waiting) return false;
    // Neither yet: a notify is between its steps; its token is a moment away.
  }
}

/**
 * One turn of a wait: true or false when it is over (notified / timed out),
 * else the SEQ value to sleep on. SEQ is read before the token check, so a
 * notify that lands in between changes it and the sleep returns at once.
 */
export function waitStep(words: Int32Array, epoch: number, deadline: number): boolean | number {
  const seq = Atomics.load(words, SEQ);
  if (seq !== epoch && takeToken(words)) return true;
  if (remaining(deadline) === 0) return leave(words, epoch);
  return seq;
}

/**
 * Called holding the lock: grants up to `n` of the registered waiters a
 * token, then bumps SEQ (tokens first, so a waiter that sees the new SEQ
 * finds them) and wakes as many sleepers.
 */
export function grant(words: Int32Array, n: number): void {
  let waiting = Atomics.load(words, WAITERS);
  let granted = 0;
  while (waiting > 0) {
    granted = Math.min(n, waiting);
    const seen = Atomics.compareExchange(words, WAITERS, waiting, waiting - granted);
    if (seen === waiting) break;
    waiting = seen;
    granted = 0;
  }
  if (granted === 0) return;
  Atomics.add(words, TOKENS, granted);
  Atomics.add(words, SEQ, 1);
  Atomics.notify(words, SEQ, granted);
}
