import { KIND, ValueError } from "@multiproc/core/internal";
import { BaseLock } from "./base-lock.js";
import { CONDITION_HOOKS, type ConditionHooks } from "./hooks.js";
import { ownedByThisThread, ownerName, unlock } from "./lock-word.js";

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
export class Lock extends BaseLock {
  constructor() {
    super("Lock", KIND.Lock);
  }

  /** Frees the lock, from any thread. Throws ValueError if it is not locked. */
  release(): void {
    if (!unlock(this.word)) throw new ValueError("Cannot release an unlocked Lock");
  }

  /** @internal */
  [CONDITION_HOOKS](): ConditionHooks {
    return {
      isOwned: () => ownedByThisThread(this.word),
      releaseSave: () => {
        this.release();
        return 1;
      },
      acquireRestore: async () => void (await this.acquire()),
      acquireRestoreSync: () => void this.acquireSync(),
    };
  }

  protected reenter(): boolean {
    return false;
  }

  toString(): string {
    return `<Lock(owner=${ownerName(this.word)})>`;
  }
}
