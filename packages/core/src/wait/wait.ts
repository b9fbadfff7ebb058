import { checkWaitOptions, remaining, type WaitOptions } from "./options.js";
import { spinBudget, spinEnded } from "./spin.js";

/**
 * One try at what the caller waits for. `true`: done (the try took effect).
 * A number: not yet; sleep while `cell[index]` still holds that value. Every
 * state change that could make the next try succeed must change that word
 * and then notify it, so a wake-up is never lost between a try and a sleep.
 * `beforeSleep` is false while the loop only spins (a failed try is simply
 * repeated) and true when a failure will be followed by a sleep: a lock marks
 * itself contended only then, so a short spin costs its holder no notify.
 */
export type Attempt = (beforeSleep: boolean) => true | number;

/** How one sleep ended, as `Atomics.wait` says it. */
export type SleepResult = "ok" | "not-equal" | "timed-out";

/**
 * What one failed try costs of the spin budget, besides the reads: a try
 * that fails at once (the word already moved on) must still use the budget
 * up, or a waiter whose word keeps changing would spin forever.
 */
const TRY_COST = 64;

/**
 * Spins reading `cell[index]` until it no longer holds `seen` or the budget
 * is spent; returns the reads left. A plain read keeps the word's cache line
 * shared instead of pulling it away from the thread about to change it, as
 * repeated tries (which take locks) would.
 */
function spinWhile(cell: Int32Array, index: number, seen: number, budget: number): number {
  budget = Math.max(0, budget - TRY_COST);
  while (budget > 0 && Atomics.load(cell, index) === seen) budget--;
  return budget;
}

/** One `Atomics.wait` until `deadline` (absolute, `performance.now()`), at most `sliceMs` long. */
export function sleepSync(cell: Int32Array, index: number, expected: number, deadline: number, sliceMs = Infinity): SleepResult {
  return Atomics.wait(cell, index, expected, Math.min(remaining(deadline), sliceMs));
}

/**
 * One `Atomics.waitAsync`, like `sleepSync`. A pending waitAsync does not keep
 * Node's event loop alive, so a timer does for as long as it sleeps (unless
 * `keepAlive` is false: a sleeper whose owner keeps the loop alive when it
 * must, as a pool's result pump parked while nothing is outstanding). An abort
 * notifies the word, so the waiter leaves V8's list at once instead of piling
 * up until its timeout (and cannot swallow a later notify meant for a live
 * waiter); the other waiters on the word see a wake-up and re-check. The
 * abort itself is not reported here: callers check their signal after a sleep.
 */
export async function sleepAsync(
  cell: Int32Array,
  index: number,
  expected: number,
  deadline: number,
  signal: AbortSignal | undefined,
  sliceMs = Infinity,
  keepAlive = true,
): Promise<SleepResult> {
  if (signal?.aborted) return "ok";
  const result = Atomics.waitAsync(cell, index, expected, Math.min(remaining(deadline), sliceMs));
  if (!result.async) return result.value;
  if (keepAlive) holdAlive();
  const onAbort = signal && (() => Atomics.notify(cell, index));
  signal?.addEventListener("abort", onAbort!, { once: true });
  try {
    return await result.value;
  } finally {
    if (keepAlive) releaseAlive();
    signal?.removeEventListener("abort", onAbort!);
  }
}

/**
 * One timer per thread keeps its event loop alive while any async sleep is
 * pending: referenced while there is one, unreferenced after the last.
 * (A timer made and cleared per sleep cost more than the sleep's own
 * waitAsync on a request arriving at an idle pool.)
 */
let aliveTimer: ReturnType<typeof setInterval> | undefined;
let sleeping = 0;

function holdAlive(): void {
  if (sleeping++ > 0) return;
  aliveTimer ??= setInterval(() => {}, 2 ** 30);
  aliveTimer.ref();
}

function releaseAlive(): void {
  if (--sleeping === 0) aliveTimer!.unref();
}

/**
 * Blocks the calling thread with `Atomics.wait` until `attempt` succeeds
 * (true) or the timeout passes (false). A signal aborted before the call
 * throws its reason; a sync wait cannot observe a later abort. `sliceMs`
 * bounds each sleep, for attempts that must look around now and then (a lock
 * checking whether its owner died).
 */
export function waitSync(cell: Int32Array, index: number, attempt: Attempt, options?: WaitOptions | number, sliceMs = Infinity): boolean {
  const { deadline } = checkWaitOptions(options);
  // A short adaptive spin first (wait/spin.ts): a hand-off between two running threads often takes microseconds.
  let spins = spinBudget();
  let spun = spins > 0;
  for (;;) {
    const beforeSleep = spins === 0;
    const seen = attempt(beforeSleep);
    if (seen === true) {
      if (spun) spinEnded(!beforeSleep);
      return true;
    }
    if (remaining(deadline) === 0) return false;
    if (!beforeSleep) spins = spinWhile(cell, index, seen, spins);
    else {
      if (spun) {
        spinEnded(false);
        spun = false;
      }
      sleepSync(cell, index, seen, deadline, sliceMs);
    }
  }
}

/**
 * Waits with `Atomics.waitAsync` without blocking the event loop: it never
 * spins, it tries, then sleeps until the word changes. Resolves true once
 * `attempt` succeeds, false when the timeout passes, and rejects with
 * `signal.reason` on abort (the attempt has then not taken effect).
 * `keepAlive`: as sleepAsync's.
 */
export async function waitAsync(cell: Int32Array, index: number, attempt: Attempt, options?: WaitOptions | number, sliceMs = Infinity, keepAlive = true): Promise<boolean> {
  const { deadline, signal } = checkWaitOptions(options);
  for (;;) {
    signal?.throwIfAborted();
    const seen = attempt(true);
    if (seen === true) return true;
    if (remaining(deadline) === 0) return false;
    await sleepAsync(cell, index, seen, deadline, signal, sliceMs, keepAlive);
  }
}
