import {
  checkWaitOptions,
  claimBlock,
  describe,
  dropStoredBlock,
  KIND,
  remaining,
  reviveStoredBlock,
  SHAREABLE,
  sleepAsync,
  sleepSync,
  storeBlock,
  toWaitOptions,
  ValueError,
  withAcquired,
  withAcquiredSync,
  type Block,
  type Shareable,
  type WaitOptions,
} from "@multiproc/core/internal";
import { CONDITION_HOOKS, type ConditionHooks } from "./hooks.js";
import { grant, leave, register, waitStep } from "./condition-word.js";
import { CONDITION_WORDS, LOCK_KIND, LOCK_REF, SEQ, TOKENS, WAITERS } from "./layout.js";
import { Lock } from "./lock.js";
import { RLock } from "./rlock.js";

/**
 * A condition variable, as Python's `multiprocessing.Condition`: threads
 * holding its lock wait until another notifies them. Shared by every thread
 * it reaches, together with its lock.
 *
 * `notify(n)` wakes at most n of the threads waiting at that moment (see
 * layout.ts for how); which ones is not specified.
 *
 * @example
 * ```ts
 * const cond = new Condition();
 * await cond.withLock(() => cond.waitFor(() => items.length > 0));
 * ```
 */
export class Condition implements Shareable {
  #block: Block;
  #words: Int32Array;
  #lock: Lock | RLock;
  #hooks: ConditionHooks;

  /** @param lock the lock to use; a new RLock when omitted. */
  constructor(lock?: Lock | RLock) {
    if (lock !== undefined && !(lock instanceof Lock) && !(lock instanceof RLock)) {
      throw new TypeError(`Expected \`lock\` to be a Lock or an RLock, got ${describe(lock)}`);
    }
    const { block, revived } = claimBlock(this, KIND.Condition, CONDITION_WORDS * 4);
    this.#block = block;
    this.#words = block.int32(0, CONDITION_WORDS);
    if (revived) {
      this.#lock = reviveStoredBlock(this.#words, LOCK_REF, this.#words[LOCK_KIND]!) as Lock | RLock;
    } else {
      this.#lock = lock ?? new RLock();
      storeBlock(this.#words, LOCK_REF, this.#lock[SHAREABLE]());
      this.#words[LOCK_KIND] = this.#lock instanceof Lock ? KIND.Lock : KIND.RLock;
    }
    this.#hooks = this.#lock[CONDITION_HOOKS]();
  }

  /** Acquires the underlying lock (see `Lock.acquire`); resolves false if `timeout` passed first. */
  acquire(options?: WaitOptions | number): Promise<boolean> {
    return this.#lock.acquire(options);
  }

  /** `acquire()` that blocks this thread while it waits. */
  acquireSync(options?: WaitOptions | number): boolean {
    return this.#lock.acquireSync(options);
  }

  /** Acquires the underlying lock if that needs no waiting; never waits. */
  tryAcquire(): boolean {
    return this.#lock.tryAcquire();
  }

  /** Releases the underlying lock (ValueError if this thread does not hold it). */
  release(): void {
    this.#lock.release();
  }

  /** Runs `fn` holding the underlying lock, and always releases it. */
  withLock<T>(fn: () => T | Promise<T>): Promise<T> {
    return withAcquired(() => this.acquire(), () => this.release(), fn);
  }

  /** `withLock()` for a synchronous `fn`: acquires blocking this thread. */
  withLockSync<T>(fn: () => T): T {
    return withAcquiredSync(() => this.acquireSync(), () => this.release(), fn);
  }

  /**
   * Releases the lock, sleeps until notified, takes the lock back. Resolves
   * true when notified, false when `timeout` passed; on abort rejects with
   * `signal.reason`, holding the lock again. ValueError if this thread does
   * not hold the lock.
   */
  async wait(options?: WaitOptions | number): Promise<boolean> {
    const { deadline, signal } = checkWaitOptions(options);
    const { epoch, saved } = this.#enterWait();
    try {
      for (;;) {
        if (signal?.aborted) {
          leave(this.#words, epoch);
          throw signal.reason;
        }
        const step = waitStep(this.#words, epoch, deadline);
        if (typeof step === "boolean") return step;
        await sleepAsync(this.#words, SEQ, step, deadline, signal);
      }
    } finally {
      await this.#hooks.acquireRestore(saved);
    }
  }

  /** `wait()` that blocks this thread. */
  waitSync(options?: WaitOptions | number): boolean {
    const { deadline } = checkWaitOptions(options);
    const { epoch, saved } = this.#enterWait();
    try {
      for (;;) {
        const step = waitStep(this.#words, epoch, deadline);
        if (typeof step === "boolean") return step;
        sleepSync(this.#words, SEQ, step, deadline);
      }
    } finally {
      this.#hooks.acquireRestoreSync(saved);
    }
  }

  /**
   * Waits until `predicate()` returns a truthy value, re-checking after every
   * wake-up; returns that value, or the last falsy one when `timeout` passed.
   */
  async waitFor<T>(predicate: () => T, options?: WaitOptions | number): Promise<T> {
    const { deadline } = this.#checkPredicate(predicate, options);
    let result = predicate();
    while (!result) {
      const left = remaining(deadline);
      if (left === 0) break;
      await this.wait({ timeout: left, signal: toWaitOptions(options)?.signal });
      result = predicate();
    }
    return result;
  }

  /** `waitFor()` that blocks this thread. */
  waitForSync<T>(predicate: () => T, options?: WaitOptions | number): T {
    const { deadline } = this.#checkPredicate(predicate, options);
    let result = predicate();
    while (!result) {
      const left = remaining(deadline);
      if (left === 0) break;
      this.waitSync({ timeout: left });
      result = predicate();
    }
    return result;
  }

  /** Wakes up to `n` waiters. ValueError if this thread does not hold the lock. */
  notify(n = 1): void {
    if (typeof n !== "number" || !(Number.isInteger(n) || n === Infinity) || n < 0) {
      throw new ValueError(`Expected \`n\` to be a non-negative integer, got ${describe(n)}`);
    }
    if (!this.#hooks.isOwned()) throw new ValueError("Cannot notify a Condition without holding its lock");
    grant(this.#words, n);
  }

  /** Wakes every waiter. ValueError if this thread does not hold the lock. */
  notifyAll(): void {
    this.notify(Infinity);
  }

  /** The shareable protocol: the block a copy of this object in another thread is revived from. */
  [SHAREABLE](): Block {
    return this.#block;
  }

  /** `<Condition(<Lock(owner=None)>, 0)>`: its lock and how many threads wait, as Python's repr. */
  toString(): string {
    return `<Condition(${this.#lock}, ${Atomics.load(this.#words, WAITERS) + Atomics.load(this.#words, TOKENS)})>`;
  }

  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return this.toString();
  }

  /** Registers this thread as a waiter and releases the lock; returns its epoch and what restores the lock. */
  #enterWait(): { epoch: number; saved: number } {
    if (!this.#hooks.isOwned()) throw new ValueError("Cannot wait on a Condition without holding its lock");
    const epoch = register(this.#words);
    return { epoch, saved: this.#hooks.releaseSave() };
  }

  #checkPredicate(predicate: unknown, options: WaitOptions | number | undefined): { deadline: number } {
    if (typeof predicate !== "function") throw new TypeError(`Expected \`predicate\` to be a function, got ${describe(predicate)}`);
    return checkWaitOptions(options);
  }
}

export function disposeCondition(block: Block): void {
  dropStoredBlock(block.int32(0, CONDITION_WORDS), LOCK_REF);
}
