import {
  checkWaitOptions,
  claimBlock,
  KIND,
  SHAREABLE,
  waitAsync,
  waitSync,
  type Attempt,
  type Block,
  type Shareable,
  type WaitOptions,
} from "@multiproc/core/internal";
import { EVENT_WORDS, FLAG } from "./layout.js";

/**
 * A flag threads can wait for, as Python's `multiprocessing.Event`, shared by
 * every thread it reaches.
 *
 * @example
 * ```ts
 * const ready = new Event();
 * new Process({ target: (ev) => ev.set(), args: [ready] }).start();
 * await ready.wait(); // resolves once the worker has called set()
 * ```
 */
export class Event implements Shareable {
  readonly #block: Block;
  readonly #words: Int32Array;
  readonly #attempt: Attempt;

  constructor() {
    this.#block = claimBlock(this, KIND.Event, EVENT_WORDS * 4).block;
    this.#words = this.#block.int32(0, EVENT_WORDS);
    this.#attempt = () => (Atomics.load(this.#words, FLAG) === 1 ? true : 0);
  }

  /** Sets the flag and wakes every waiter, in every thread. */
  set(): void {
    Atomics.store(this.#words, FLAG, 1);
    Atomics.notify(this.#words, FLAG);
  }

  /** Resets the flag; later `wait()` calls wait until `set()` again. */
  clear(): void {
    Atomics.store(this.#words, FLAG, 0);
  }

  /** Whether the flag is set now. */
  isSet(): boolean {
    return Atomics.load(this.#words, FLAG) === 1;
  }

  /** Resolves true once the flag is set (at once if it is), false when `timeout` passed first. */
  async wait(options?: WaitOptions | number): Promise<boolean> {
    if (options !== undefined) checkWaitOptions(options);
    if (this.isSet()) return true;
    return waitAsync(this.#words, FLAG, this.#attempt, options);
  }

  /** `wait()` that blocks this thread. */
  waitSync(options?: WaitOptions | number): boolean {
    if (options !== undefined) checkWaitOptions(options);
    if (this.isSet()) return true;
    return waitSync(this.#words, FLAG, this.#attempt, options);
  }

  /** The shareable protocol: the block a copy of this object in another thread is revived from. */
  [SHAREABLE](): Block {
    return this.#block;
  }

  /** `<Event at 0x1a40 set>` or `unset`; the address is the same in every thread. */
  toString(): string {
    return `<Event at 0x${this.#block.offset.toString(16)} ${this.isSet() ? "set" : "unset"}>`;
  }

  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return this.toString();
  }
}
