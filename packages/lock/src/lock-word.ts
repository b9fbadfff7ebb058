import { threadId } from "node:worker_threads";
import { CONTENDED, currentProcessInfo, OWNER_MASK, ownerIsDead, SELF, threadName, type Attempt, type Block } from "@multiproc/core/internal";
import { COUNT, LOCK_WORDS, STATE, UNLOCKED } from "./layout.js";

/** What the lock-word functions need of one lock, as seen from this thread. */
export interface LockWord {
  readonly block: Block;
  readonly words: Int32Array;
  /** "Lock" or "RLock", for messages. */
  readonly kind: "Lock" | "RLock";
  /** RLock: keeps its depth in COUNT. */
  readonly counted: boolean;
  /** The contended path, made once per instance (see lockAttempt). */
  readonly attempt: Attempt;
}

export function lockWord(block: Block, kind: "Lock" | "RLock"): LockWord {
  const lock = { block, words: block.int32(0, LOCK_WORDS), kind, counted: kind === "RLock" } as LockWord;
  return Object.assign(lock, { attempt: lockAttempt(lock) });
}

/** The uncontended path: one compare-exchange, which also records this thread as the owner. */
export function tryLock(lock: LockWord): boolean {
  if (Atomics.compareExchange(lock.words, STATE, UNLOCKED, SELF) !== UNLOCKED) return false;
  if (lock.counted) lock.words[COUNT] = 1;
  return true;
}

/**
 * The contended path as an Attempt for core's wait loops. While spinning it
 * only tries to take a free lock, so a short wait costs the holder's unlock
 * no notify. Before sleeping it marks the word CONTENDED (a thread that
 * sleeps cannot know whether others sleep too, so the unlock that follows
 * must notify: mutex3), takes a free lock marked so, and looks whether the
 * owner has died, once per sleep slice.
 */
function lockAttempt(lock: LockWord): Attempt {
  const { words } = lock;
  return (beforeSleep) => {
    for (;;) {
      const seen = Atomics.load(words, STATE);
      if (seen === UNLOCKED) {
        if (Atomics.compareExchange(words, STATE, UNLOCKED, beforeSleep ? SELF | CONTENDED : SELF) !== UNLOCKED) continue;
        if (lock.counted) words[COUNT] = 1;
        return true;
      }
      if (!beforeSleep) return seen;
      if ((seen & CONTENDED) === 0) {
        if (Atomics.compareExchange(words, STATE, seen, seen | CONTENDED) !== seen) continue;
        return seen | CONTENDED;
      }
      return takeOverFromDeadOwner(lock, seen) ? true : seen;
    }
  };
}

/**
 * Frees the lock and wakes one sleeper if there may be any; returns false if
 * it was not locked.
 */
export function unlock(lock: LockWord): boolean {
  const before = Atomics.exchange(lock.words, STATE, UNLOCKED);
  if ((before & CONTENDED) !== 0) Atomics.notify(lock.words, STATE, 1);
  return before !== UNLOCKED;
}

export function isLocked(lock: LockWord): boolean {
  return Atomics.load(lock.words, STATE) !== UNLOCKED;
}

export function ownedByThisThread(lock: LockWord): boolean {
  return (Atomics.load(lock.words, STATE) & OWNER_MASK) === SELF;
}

/**
 * Who holds the lock, as Python's reprs name it: "None" when free, this
 * thread's process name when it is the owner, the owner's name when the
 * liveness table knows it, else "SomeOtherProcess".
 */
export function ownerName(lock: LockWord): string {
  const owner = Atomics.load(lock.words, STATE) & OWNER_MASK;
  if (owner === 0) return "None";
  if (owner === SELF) return currentProcessInfo().name;
  return threadName(lock.block.arena, owner - 1) ?? "SomeOtherProcess";
}

/**
 * The robust-futex step: if the thread holding the lock (`seen` names it)
 * has died, however it died, the first waiter to notice takes the lock over
 * with one compare-exchange, and a process warning says so: what the lock
 * protected may be half-updated.
 */
function takeOverFromDeadOwner(lock: LockWord, seen: number): boolean {
  const { words } = lock;
  const owner = seen & OWNER_MASK;
  if (owner === SELF || !ownerIsDead(words, owner)) return false;
  if (Atomics.compareExchange(words, STATE, seen, SELF | CONTENDED) !== seen) return false;
  if (lock.counted) words[COUNT] = 1;
  process.emitWarning(
    `A ${lock.kind} was held by thread ${owner - 1}, which died without releasing it; thread ${threadId} took it over. ` +
      "The state it protected may be inconsistent.",
    { code: "MULTIPROC_ABANDONED_LOCK" },
  );
  return true;
}
