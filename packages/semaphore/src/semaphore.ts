import {
  checkWaitOptions,
  claimBlock,
  describe,
  KIND,
  SHAREABLE,
  ValueError,
  waitAsync,
  waitSync,
  withAcquired,
  withAcquiredSync,
  type Attempt,
  type Block,
  type Shareable,
  type WaitOptions,
} from "@multiproc/core/internal";
import { BOUND, MAX_VALUE, SEMAPHORE_WORDS, VALUE } from "./layout.js";

/**
 * A counting semaphore shared by every thread it reaches, as Python's
 * `multiprocessing.Semaphore`: `acquire` takes one unit (waiting while there
 * is none), `release(n)` gives n back.
 *
 * @example
 * ```ts
 * const slots = new Semaphore(3); // at most three at a time
 * await slots.withLock(() => download(url));
 * ```
 */
export class Semaphore implements Shareable {
  protected static readonly kindId: number = KIND.Semaphore;
  readonly #block: Block;
  protected readonly words: Int32Array;
  readonly #attempt: Attempt;

  /** @param value the initial count, an integer from 0 to 2^31 - 1 (ValueError otherwise). */
  constructor(value = 1) {
    checkCount(value, "value", 0);
    const kind = (new.target as unknown as { kindId: number }).kindId;
    const { block, revived } = claimBlock(this, kind, SEMAPHORE_WORDS * 4);
    this.#block = block;
    this.words = block.int32(0, SEMAPHORE_WORDS);
    if (!revived) {
      this.words[VALUE] = value;
      this.words[BOUND] = value;
    }
    this.#attempt = () => (this.tryAcquire() ? true : 0);
  }

  /** Takes one unit, waiting while the count is 0. Resolves false when `timeout` passed first. */
  async acquire(options?: WaitOptions | number): Promise<boolean> {
    if (options !== undefined) checkWaitOptions(options);
    if (this.tryAcquire()) return true;
    return waitAsync(this.words, VALUE, this.#attempt, options);
  }

  /** `acquire()` that blocks this thread while it waits. */
  acquireSync(options?: WaitOptions | number): boolean {
    if (options !== undefined) checkWaitOptions(options);
    if (this.tryAcquire()) return true;
    return waitSync(this.words, VALUE, this.#attempt, options);
  }

  /** Takes one unit if there is one; never waits. */
  tryAcquire(): boolean {
    const words = this.words;
    for (let value = Atomics.load(words, VALUE); value > 0; ) {
      const seen = Atomics.compareExchange(words, VALUE, value, value - 1);
      if (seen === value) return true;
      value = seen;
    }
    return false;
  }

  /** Gives back `n` units (ValueError unless n is an integer >= 1) and wakes as many waiters. */
  release(n = 1): void {
    checkCount(n, "n", 1);
    const words = this.words;
    for (let value = Atomics.load(words, VALUE); ; ) {
      this.checkRelease(value, n);
      const seen = Atomics.compareExchange(words, VALUE, value, value + n);
      if (seen === value) break;
      value = seen;
    }
    Atomics.notify(words, VALUE, n);
  }

  /** The current count (Python's `get_value`). */
  getValue(): number {
    return Atomics.load(this.words, VALUE);
  }

  /** Runs `fn` holding one unit, and always gives it back. */
  withLock<T>(fn: () => T | Promise<T>): Promise<T> {
    return withAcquired(() => this.acquire(), () => this.release(), fn);
  }

  /** `withLock()` for a synchronous `fn`: acquires blocking this thread. */
  withLockSync<T>(fn: () => T): T {
    return withAcquiredSync(() => this.acquireSync(), () => this.release(), fn);
  }

  /** The shareable protocol: the block a copy of this object in another thread is revived from. */
  [SHAREABLE](): Block {
    return this.#block;
  }

  /** `<Semaphore(value=1)>`, as Python's repr. */
  toString(): string {
    return `<Semaphore(value=${this.getValue()})>`;
  }

  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return this.toString();
  }

  /** Refuses a release that would break the count's limits. */
  protected checkRelease(value: number, n: number): void {
    if (value + n > MAX_VALUE) throw new ValueError(`Cannot release ${n}: the count would exceed ${MAX_VALUE}`);
  }
}

export function checkCount(value: unknown, name: string, min: number): asserts value is number {
  if (typeof value !== "number") throw new TypeError(`Expected \`${name}\` to be an integer, got ${describe(value)}`);
  if (!Number.isInteger(value) || value < min || value > MAX_VALUE) {
    throw new ValueError(`Expected \`${name}\` to be an integer from ${min} to ${MAX_VALUE}, got ${value}`);
  }
}
