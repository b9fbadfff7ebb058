import { checkWaitOptions, remaining, type WaitOptions } from "./options.js";

/**
 * One try at what the caller waits for. `true`: done (the try took effect).
 * A number: not yet; sleep while `cell[index]` still holds that value. Every
 * state change that could make the next try succeed must change that word
 * and then notify it, so a wake-up is never lost between a try and a sleep.
 */
export type Attempt = () => true | number;

/** Tries in a tight loop before sleeping: a hand-off between two running threads is often this quick. */
const SPIN_TRIES = 64;

/**
 * Blocks the calling thread with `Atomics.wait` until `attempt` succeeds
 * (true) or the timeout passes (false). A signal aborted before the call
 * throws its reason; a sync wait cannot observe a later abort.
 */
export function waitSync(cell: Int32Array, index: number, attempt: Attempt, options?: WaitOptions): boolean {
  const { deadline } = checkWaitOptions(options);
  for (let spin = 0; ; spin++) {
    const seen = attempt();
    if (seen === true) return true;
    const left = remaining(deadline);
    if (left === 0) return false;
    if (spin < SPIN_TRIES) continue;
    Atomics.wait(cell, index, seen, left);
  }
}

/**
 * Waits with `Atomics.waitAsync` without blocking the event loop; resolves
 * true once `attempt` succeeds, false when the timeout passes, and rejects
 * with `signal.reason` on abort (the attempt has then not taken effect).
 */
export async function waitAsync(cell: Int32Array, index: number, attempt: Attempt, options?: WaitOptions): Promise<boolean> {
  const { deadline, signal } = checkWaitOptions(options);
  for (let spin = 0; spin < SPIN_TRIES; spin++) {
    const seen = attempt();
    if (seen === true) return true;
    if (remaining(deadline) === 0) return false;
  }
  // A pending Atomics.waitAsync does not keep Node's event loop alive, so a
  // timer does for as long as we sleep. An abort notifies the word: our
  // waiter then leaves V8's list at once instead of piling up until its
  // timeout; other waiters on the word see a spurious wake-up and re-check.
  const keepAlive = setInterval(() => {}, 2 ** 30);
  const onAbort = () => Atomics.notify(cell, index);
  signal?.addEventListener("abort", onAbort);
  try {
    for (;;) {
      signal?.throwIfAborted();
      const seen = attempt();
      if (seen === true) return true;
      const left = remaining(deadline);
      if (left === 0) return false;
      const result = Atomics.waitAsync(cell, index, seen, left);
      if (result.async) await result.value;
    }
  } finally {
    clearInterval(keepAlive);
    signal?.removeEventListener("abort", onAbort);
  }
}
