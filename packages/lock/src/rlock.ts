import { KIND, ValueError } from "@multiproc/core/internal";
import { BaseLock } from "./base-lock.js";
import { CONDITION_HOOKS, type ConditionHooks } from "./hooks.js";
import { COUNT } from "./layout.js";
import { ownedByThisThread, ownerName, unlock } from "./lock-word.js";

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
export class RLock extends BaseLock {
  constructor() {
    super("RLock", KIND.RLock);
  }

  /** Undoes one acquire. Throws ValueError if this thread does not hold it. */
  release(): void {
    if (!ownedByThisThread(this.word)) throw new ValueError("Cannot release an RLock that this thread does not hold");
    const words = this.word.words;
    if (--words[COUNT]! === 0) unlock(this.word);
  }

  /** @internal */
  [CONDITION_HOOKS](): ConditionHooks {
    const words = this.word.words;
    return {
      isOwned: () => ownedByThisThread(this.word),
      releaseSave: () => {
        const depth = words[COUNT]!;
        unlock(this.word);
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

  toString(): string {
    const owner = ownerName(this.word);
    return `<RLock(${owner}, ${owner === "None" ? 0 : Atomics.load(this.word.words, COUNT)})>`;
  }

  /** Only the owner writes COUNT, so a plain increment is safe once ownership is confirmed. */
  protected reenter(): boolean {
    if (!ownedByThisThread(this.word)) return false;
    this.word.words[COUNT]!++;
    return true;
  }
}
