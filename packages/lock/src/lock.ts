import {
  checkWaitOptions,
  claimBlock,
  KIND,
  SHAREABLE,
  ValueError,
  waitAsync,
  waitSync,
  withAcquired,
  withAcquiredSync,
  type Block,
  type Shareable,
  type WaitOptions,
} from "@multiproc/core";
import { CONDITION_HOOKS, type ConditionHooks } from "./hooks.js";
import { LOCK_WORDS, OWNER_CHECK_MS, STATE } from "./layout.js";
import { isLocked, lockWord, ownedByThisThread, tryLock, unlock, type LockWord } from "./lock-word.js";

/**
 * A mutual-exclusion lock shared by every thread it reaches, as Python's
 * `multiprocessing.Lock`: any thread may release it. If the thread holding
 * it dies, the next waiter takes it over (see the README).
 *
 * @example
 * ```ts
 * const lock = new Lock();
 * await lock.withLock(async () => {
 *   // one thread at a time here, across every worker the lock was passed to
 * });
 * ```
 */
export class Lock implements Shareable {
  #lock: LockWord;

  constructor() {
    this.#lock = lockWord(claimBlock(this, KIND.Lock, LOCK_WORDS * 4).block, "Lock");
  }

  /**
   * Waits until the lock is free and takes it. Resolves true, or false when
   * `timeout` passed first; rejects with `signal.reason` on abort.
   */
  async acquire(options?: WaitOptions): Promise<boolean> {
    if (options !== undefined) checkWaitOptions(options);
    if (tryLock(this.#lock)) return true;
    return waitAsync(this.#lock.words, STATE, this.#lock.attempt, options, OWNER_CHECK_MS);
  }

  /** `acquire()` that blocks this thread while it waits. */
  acquireSync(options?: WaitOptions): boolean {
    if (options !== undefined) checkWaitOptions(options);
    if (tryLock(this.#lock)) return true;
    return waitSync(this.#lock.words, STATE, this.#lock.attempt, options, OWNER_CHECK_MS);
  }

  /** Takes the lock if it is free; never waits. */
  tryAcquire(): boolean {
    return tryLock(this.#lock);
  }

  /** Frees the lock, from any thread. Throws ValueError if it is not locked. */
  release(): void {
    if (!unlock(this.#lock)) throw new ValueError("Cannot release an unlocked Lock");
  }

  locked(): boolean {
    return isLocked(this.#lock);
  }

  /** Runs `fn` holding the lock, and always releases it. */
  withLock<T>(fn: () => T | Promise<T>): Promise<T> {
    return withAcquired(() => this.acquire(), () => this.release(), fn);
  }

  withLockSync<T>(fn: () => T): T {
    return withAcquiredSync(() => this.acquireSync(), () => this.release(), fn);
  }

  [SHAREABLE](): Block {
    return this.#lock.block;
  }

  get [CONDITION_HOOKS](): ConditionHooks {
    return {
      isOwned: () => ownedByThisThread(this.#lock),
      releaseSave: () => {
        this.release();
        return 1;
      },
      acquireRestore: async () => void (await this.acquire()),
      acquireRestoreSync: () => void this.acquireSync(),
    };
  }

  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return `Lock { locked: ${this.locked()} }`;
  }
}
