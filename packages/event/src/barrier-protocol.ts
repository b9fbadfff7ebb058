import { lockMutex, ownerIsDead, remaining, SELF, unlockMutex, type SleepResult } from "@multiproc/core/internal";
import { BrokenBarrierError } from "./errors.js";
import { BROKEN, COUNT, DRAINING, FILLING, MUTEX, PARTIES, RELEASING, RESETTING, SEQ, STATE } from "./layout.js";

/** What the protocol asks its driver to do: sleep on SEQ (in slices), or run the action. */
export type Step = { kind: "sleep"; seq: number; deadline: number } | { kind: "action" };

/**
 * Barrier.wait() once, for the sync and the async driver alike: Python's
 * threading.Barrier (enter, release or wait, exit) over the words of
 * layout.ts, plus what Python's processes cannot see: a party that died
 * inside wait(). Every word is read and written holding MUTEX, which is let
 * go around each sleep and around the action. The driver resumes a sleep
 * with its result, and throws into the generator what the sleep or the
 * action threw (an abort's reason, the action's error).
 */
export function* waitProtocol(words: Int32Array, slots: Int32Array, deadline: number): Generator<Step, number, SleepResult | undefined> {
  lockMutex(words, MUTEX);
  try {
    // Wait for the previous generation to finish leaving (its dead count as gone).
    while (between(words)) {
      if (words[STATE] !== RELEASING) dropDeadLeavers(words, slots);
      else if (deadInside(words, slots)) breakBarrier(words);
      if (!between(words)) break;
      if (remaining(deadline) === 0) {
        breakBarrier(words);
        throw new BrokenBarrierError("The barrier timed out and is now broken");
      }
      yield* sleep(words, deadline);
    }
    // A party that died waiting in this generation breaks it, whether or not anyone was there to see it die.
    if (words[STATE] === FILLING && deadInside(words, slots)) breakBarrier(words);
    if (words[STATE] === BROKEN) throw new BrokenBarrierError();
    const index = words[COUNT]!;
    words[COUNT] = index + 1;
    if (index < slots.length) slots[index] = SELF;
    try {
      if (index + 1 === words[PARTIES]) {
        yield* release(words);
      } else {
        yield* waitForRelease(words, slots, deadline);
      }
      return index;
    } finally {
      leave(words, slots, index);
    }
  } finally {
    unlockMutex(words, MUTEX);
  }
}

/** The last party: run the action outside the mutex, then let everyone go. */
function* release(words: Int32Array): Generator<Step, void, SleepResult | undefined> {
  words[STATE] = RELEASING;
  unlockMutex(words, MUTEX);
  let failure: { error: unknown } | undefined;
  try {
    yield { kind: "action" };
  } catch (error) {
    failure = { error };
  } finally {
    lockMutex(words, MUTEX);
  }
  if (failure) {
    breakBarrier(words);
    throw failure.error;
  }
  if (words[STATE] !== RELEASING) throw new BrokenBarrierError("The barrier was reset or aborted while its action ran");
  words[STATE] = DRAINING;
  wakeAll(words);
}

/** Any other party: sleep until released; a timeout, an abort or a dead party breaks the barrier for all. */
function* waitForRelease(words: Int32Array, slots: Int32Array, deadline: number): Generator<Step, void, SleepResult | undefined> {
  try {
    while (words[STATE] === FILLING || words[STATE] === RELEASING) {
      yield* sleep(words, deadline);
      if (words[STATE] !== FILLING && words[STATE] !== RELEASING) break;
      if (deadInside(words, slots)) {
        breakBarrier(words);
        throw new BrokenBarrierError("A party died while waiting at the barrier, which is now broken");
      }
      if (remaining(deadline) === 0) {
        breakBarrier(words);
        throw new BrokenBarrierError("The barrier timed out and is now broken");
      }
    }
  } catch (error) {
    if (!(error instanceof BrokenBarrierError)) breakBarrier(words);
    throw error;
  }
  if (words[STATE] === BROKEN || words[STATE] === RESETTING) throw new BrokenBarrierError();
}

/** On the way out: the last to leave a drained or reset generation starts the next one. */
function leave(words: Int32Array, slots: Int32Array, index: number): void {
  if (index < slots.length) slots[index] = 0;
  const count = words[COUNT]! - 1;
  words[COUNT] = count;
  if (count === 0 && (words[STATE] === RESETTING || words[STATE] === DRAINING)) {
    words[STATE] = FILLING;
    wakeAll(words);
  }
}

/** Whether the previous generation is still leaving (or being reset), so arrivals must wait. */
function between(words: Int32Array): boolean {
  const state = words[STATE];
  return state === RELEASING || state === DRAINING || state === RESETTING;
}

/** Whether a party still inside wait() (its slot is set) has died. */
function deadInside(words: Int32Array, slots: Int32Array): boolean {
  for (let i = 0; i < slots.length; i++) {
    const owner = slots[i]!;
    if (owner !== 0 && ownerIsDead(words, owner)) return true;
  }
  return false;
}

/** Released (or reset) parties that died before leaving count as having left. */
function dropDeadLeavers(words: Int32Array, slots: Int32Array): void {
  for (let i = 0; i < slots.length; i++) {
    const owner = slots[i]!;
    if (owner === 0 || !ownerIsDead(words, owner)) continue;
    leave(words, slots, i);
  }
}

function* sleep(words: Int32Array, deadline: number): Generator<Step, SleepResult | undefined, SleepResult | undefined> {
  // Read before letting go of the mutex: any change after that bumps SEQ, so the sleep cannot miss it.
  const seq = Atomics.load(words, SEQ);
  unlockMutex(words, MUTEX);
  try {
    return yield { kind: "sleep", seq, deadline };
  } finally {
    lockMutex(words, MUTEX);
  }
}

export function breakBarrier(words: Int32Array): void {
  words[STATE] = BROKEN;
  wakeAll(words);
}

/** Python's reset(), holding the mutex: waiters get BrokenBarrierError, then the barrier is as new. */
export function resetBarrier(words: Int32Array): void {
  if (words[COUNT]! > 0) {
    if (words[STATE] === FILLING || words[STATE] === RELEASING || words[STATE] === BROKEN) words[STATE] = RESETTING;
  } else {
    words[STATE] = FILLING;
  }
  wakeAll(words);
}

export function wakeAll(words: Int32Array): void {
  Atomics.add(words, SEQ, 1);
  Atomics.notify(words, SEQ);
}
