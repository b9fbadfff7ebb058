import { KIND, SHAREABLE, type Block, type Shareable, type WaitOptions } from "@multiproc/core";
import { closeChannel, ITEMS, type Channel } from "./channel.js";
import { getItem, getItemSync, putItem } from "./operations.js";
import { describeQueue, openQueue } from "./queue.js";

/**
 * An unbounded FIFO queue with only the essentials, as Python's
 * `SimpleQueue`: put, get, getSync, empty, close.
 *
 * @example
 * ```ts
 * const results = new SimpleQueue<number>();
 * await results.put(42);
 * console.log(await results.get()); // 42
 * ```
 */
export class SimpleQueue<T = unknown> implements Shareable {
  readonly #channel: Channel;

  constructor() {
    this.#channel = openQueue(this, KIND.SimpleQueue, undefined);
  }

  put(item: T): Promise<void> {
    return putItem(this.#channel, item, undefined);
  }

  get(options?: WaitOptions | number): Promise<T> {
    return getItem<T>(this.#channel, options);
  }

  getSync(options?: WaitOptions | number): T {
    return getItemSync<T>(this.#channel, options);
  }

  empty(): boolean {
    return Atomics.load(this.#channel.words, ITEMS) === 0;
  }

  close(): void {
    closeChannel(this.#channel);
  }

  [SHAREABLE](): Block {
    return this.#channel.block;
  }

  toString(): string {
    return describeQueue("SimpleQueue", this.#channel, "");
  }

  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return this.toString();
  }
}
