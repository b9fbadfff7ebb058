import {
  checkWaitOptions,
  claimBlock,
  SHAREABLE,
  waitAsync,
  waitSync,
  withAcquired,
  withAcquiredSync,
  type Block,
  type Shareable,
  type WaitOptions,
} from "@multiproc/core/internal";
import { CONDITION_HOOKS, type ConditionHooks } from "./hooks.js";
import { LOCK_WORDS, OWNER_CHECK_MS, STATE } from "./layout.js";
import { isLocked, lockWord, tryLock, type LockWord } from "./lock-word.js";

/**
 * What Lock and RLock share: the futex word, the async and sync acquires,
 * `withLock`, and the shareable protocol. Subclasses say how a thread that
 * already holds the lock re-enters (`reenter`) and how it is released.
 */
export abstract class BaseLock implements Shareable {
  /** The lock word as seen from this thread; internal to the package. */
  protected readonly word: LockWord;

  protected constructor(kind: "Lock" | "RLock", kindId: number) {
    this.word = lockWord(claimBlock(this, kindId, LOCK_WORDS * 4).block, kind);
  }

  /**
   * Waits until the lock is free and takes it. Resolves true, or false when
   * `timeout` passed first; rejects with `signal.reason` on abort (the lock
   * is then as it was).
   */
  async acquire(options?: WaitOptions | number): Promise<boolean> {
    if (options !== undefined) checkWaitOptions(options);
    if (this.tryAcquire()) return true;
    return waitAsync(this.word.words, STATE, this.word.attempt, options, OWNER_CHECK_MS);
  }

  /** `acquire()` that blocks this thread while it waits. */
  acquireSync(options?: WaitOptions | number): boolean {
    if (options !== undefined) checkWaitOptions(options);
    if (this.tryAcquire()) return true;
    return waitSync(this.word.words, STATE, this.word.attempt, options, OWNER_CHECK_MS);
  }

  /** Takes the lock if that needs no waiting; never waits. */
  tryAcquire(): boolean {
    return this.reenter() || tryLock(this.word);
  }

  abstract release(): void;

  /** Whether any thread holds the lock now (a snapshot: it may change at once). */
  locked(): boolean {
    return isLocked(this.word);
  }

  /** Runs `fn` holding the lock, and always releases it. */
  withLock<T>(fn: () => T | Promise<T>): Promise<T> {
    return withAcquired(() => this.acquire(), () => this.release(), fn);
  }

  /** `withLock()` for a synchronous `fn`: acquires blocking this thread. */
  withLockSync<T>(fn: () => T): T {
    return withAcquiredSync(() => this.acquireSync(), () => this.release(), fn);
  }

  /** The shareable protocol: the block a copy of this object in another thread is revived from. */
  [SHAREABLE](): Block {
    return this.word.block;
  }

  /** `<Lock(owner=None)>`, `<Lock(owner=Process-2)>`, `<RLock(MainProcess, 2)>`: as Python's reprs. */
  abstract toString(): string;

  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return this.toString();
  }

  /** @internal What a Condition needs of its lock. */
  abstract [CONDITION_HOOKS](): ConditionHooks;

  /** Takes the lock again without waiting if this thread may (RLock); Lock never does. */
  protected abstract reenter(): boolean;
}
