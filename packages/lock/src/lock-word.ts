import { threadId } from "node:worker_threads";
import { currentProcessInfo, currentThreadRecord, isThreadAlive, threadName, type Attempt, type Block } from "@multiproc/core";
import { CONTENDED, COUNT, LOCK_WORDS, LOCKED, OWNER_RECORD, OWNER_TID, STATE, UNLOCKED } from "./layout.js";

/** This thread as stored in OWNER_TID (threadId 0, the main thread, must not read as "none"). */
export const SELF = threadId + 1;

/** What the lock-word functions need of one lock, as seen from this thread. */
export interface LockWord {
  readonly block: Block;
  readonly words: Int32Array;
  /** This thread's liveness record in the lock's arena, or 0 when it lives in another arena. */
  readonly record: number;
  /** "Lock" or "RLock", for messages. */
  readonly kind: "Lock" | "RLock";
  /** RLock: keeps its depth in COUNT. */
  readonly counted: boolean;
  /** The contended path, made once per instance (see lockAttempt). */
  readonly attempt: Attempt;
}

export function lockWord(block: Block, kind: "Lock" | "RLock"): LockWord {
  const own = currentThreadRecord();
  const record = own.arena === block.arena ? own.offset : 0;
  const lock = { block, words: block.int32(0, LOCK_WORDS), record, kind, counted: kind === "RLock" } as LockWord;
  return Object.assign(lock, { attempt: lockAttempt(lock) });
}

/** The uncontended path: one compare-exchange, then the owner words. */
export function tryLock(lock: LockWord): boolean {
  if (Atomics.compareExchange(lock.words, STATE, UNLOCKED, LOCKED) !== UNLOCKED) return false;
  setOwner(lock);
  return true;
}

/**
 * The contended path as an Attempt for core's wait loops. While spinning it
 * only tries UNLOCKED -> LOCKED, so a short wait costs the holder's unlock no
 * notify. Before sleeping it marks the word CONTENDED (and takes the lock if
 * that exchange finds it free): a thread that sleeps cannot know whether
 * others sleep too, so the unlock that follows must notify (mutex3). Only
 * then, once per sleep slice, does it look for a dead owner.
 */
function lockAttempt(lock: LockWord): Attempt {
  return (beforeSleep) => {
    if (!beforeSleep) return tryLock(lock) || LOCKED;
    if (Atomics.exchange(lock.words, STATE, CONTENDED) === UNLOCKED) {
      setOwner(lock);
      return true;
    }
    return takeOverFromDeadOwner(lock) ? true : CONTENDED;
  };
}

/**
 * Frees the lock and wakes one sleeper if there may be any; returns false if
 * it was not locked (the owner words it cleared were 0 already then). COUNT
 * is RLock's, set on every acquire.
 */
export function unlock(lock: LockWord): boolean {
  const { words } = lock;
  words[OWNER_TID] = 0;
  words[OWNER_RECORD] = 0;
  const before = Atomics.exchange(words, STATE, UNLOCKED);
  if (before === CONTENDED) Atomics.notify(words, STATE, 1);
  return before !== UNLOCKED;
}

export function isLocked(lock: LockWord): boolean {
  return Atomics.load(lock.words, STATE) !== UNLOCKED;
}

/**
 * A plain read is enough: only this thread ever writes SELF into OWNER_TID,
 * and it clears it before releasing STATE, so it reads back its own writes.
 * (Another thread takes a lock over only from an owner that is dead.)
 */
export function ownedByThisThread(lock: LockWord): boolean {
  return lock.words[OWNER_TID] === SELF;
}

/**
 * Who holds the lock, as Python's reprs name it: "None" when free, this
 * thread's process name when it is the owner, the owner's name when its
 * record says it, else "SomeOtherProcess".
 */
export function ownerName(lock: LockWord): string {
  const { words, block } = lock;
  if (Atomics.load(words, STATE) === UNLOCKED) return "None";
  const owner = Atomics.load(words, OWNER_TID);
  if (owner === SELF) return currentProcessInfo().name;
  if (owner === 0) return "SomeOtherProcess";
  return threadName(block.arena, Atomics.load(words, OWNER_RECORD) >>> 0, owner - 1) ?? "SomeOtherProcess";
}

/**
 * Plain stores: the compare-exchange or exchange that took the lock already
 * ordered them after the previous owner's unlock, which cleared both words.
 * A dead-owner check racing with them sees 0 in one of the two and does
 * nothing, and its compare-exchange on OWNER_TID settles any remaining race.
 */
function setOwner(lock: LockWord): void {
  const { words } = lock;
  words[OWNER_RECORD] = lock.record;
  words[OWNER_TID] = SELF;
  if (lock.counted) words[COUNT] = 1;
}

/**
 * The robust-futex step: if the thread holding the lock has died (its parent
 * saw it exit), the first waiter to notice takes the lock over, and a process
 * warning says so: what the lock protected may be half-updated. The
 * compare-exchange on OWNER_TID makes exactly one waiter the new owner.
 * (A thread killed between its compare-exchange on STATE and its store of
 * OWNER_TID leaves no owner to check: that window is a few instructions.)
 */
function takeOverFromDeadOwner(lock: LockWord): boolean {
  const { words, block } = lock;
  const owner = Atomics.load(words, OWNER_TID);
  const record = Atomics.load(words, OWNER_RECORD) >>> 0;
  if (owner === 0 || record === 0 || owner === SELF || isThreadAlive(block.arena, record, owner - 1)) return false;
  if (Atomics.compareExchange(words, OWNER_TID, owner, SELF) !== owner) return false;
  Atomics.store(words, STATE, CONTENDED);
  setOwner(lock);
  process.emitWarning(
    `A ${lock.kind} was held by thread ${owner - 1}, which died without releasing it; thread ${threadId} took it over. ` +
      "The state it protected may be inconsistent.",
    { code: "MULTIPROC_ABANDONED_LOCK" },
  );
  return true;
}
