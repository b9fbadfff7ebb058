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
import { COUNT, LOCK_WORDS, OWNER_CHECK_MS, STATE } from "./layout.js";
import { isLocked, lockWord, ownedByThisThread, tryLock, unlock, type LockWord } from "./lock-word.js";

/**
 * A re-entrant lock, as Python's `multiprocessing.RLock`: owned by the thread
 * that acquired it, which may acquire it again; it is free after as many
 * releases. Ownership is per thread, so async code on one thread shares it.
 *
 * @example
 * ```ts
 * const rlock = new RLock();
 * rlock.withLockSync(() => rlock.withLockSync(() => "nested is fine"));
 * ```
 */
export class RLock implements Shareable {
  #lock: LockWord;

  constructor() {
    this.#lock = lockWord(claimBlock(this, KIND.RLock, LOCK_WORDS * 4).block, "RLock");
  }

  /** Re-enters at once if this thread holds it; else waits like `Lock.acquire()`. */
  async acquire(options?: WaitOptions): Promise<boolean> {
    if (options !== undefined) checkWaitOptions(options);
    if (this.#reenter() || tryLock(this.#lock)) return true;
    return waitAsync(this.#lock.words, STATE, this.#lock.attempt, options, OWNER_CHECK_MS);
  }

  acquireSync(options?: WaitOptions): boolean {
    if (options !== undefined) checkWaitOptions(options);
    if (this.#reenter() || tryLock(this.#lock)) return true;
    return waitSync(this.#lock.words, STATE, this.#lock.attempt, options, OWNER_CHECK_MS);
  }

  tryAcquire(): boolean {
    return this.#reenter() || tryLock(this.#lock);
  }

  /** Undoes one acquire. Throws ValueError if this thread does not hold it. */
  release(): void {
    if (!ownedByThisThread(this.#lock)) throw new ValueError("Cannot release an RLock that this thread does not hold");
    const words = this.#lock.words;
    if (--words[COUNT]! === 0) unlock(this.#lock);
  }

  locked(): boolean {
    return isLocked(this.#lock);
  }

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
    const words = this.#lock.words;
    return {
      isOwned: () => ownedByThisThread(this.#lock),
      releaseSave: () => {
        const depth = words[COUNT]!;
        unlock(this.#lock);
        return depth;
      },
      acquireRestore: async (depth) => {
        await this.acquire();
        words[COUNT] = depth;
      },
      acquireRestoreSync: (depth) => {
        this.acquireSync();
        words[COUNT] = depth;
      },
    };
  }

  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return `RLock { locked: ${this.locked()} }`;
  }

  /** Only the owner writes COUNT, so a plain increment is safe once ownership is confirmed. */
  #reenter(): boolean {
    if (!ownedByThisThread(this.#lock)) return false;
    this.#lock.words[COUNT]!++;
    return true;
  }
}
