import { KIND, SHAREABLE, type Block, type Shareable, type WaitOptions } from "@multiproc/core/internal";
import { closeChannel, itemsIn, type Channel } from "./channel.js";
import { getItem, getItemSync, putItem, putItemSync } from "./operations.js";
import { describeQueue, openQueue, sendableBlock } from "./queue.js";
import { settleChannel } from "./spent.js";

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
  /** Replaced by a private copy once the queue is spent here (spent.ts). */
  #channel: Channel;

  constructor() {
    this.#channel = openQueue(this, KIND.SimpleQueue, undefined);
    this.#channel.settle = () => (this.#channel = settleChannel(this, this.#channel, false));
  }

  /** Appends `item` (the queue is unbounded: this never waits). */
  put(item: T): Promise<void> {
    return putItem(this.#channel, item, undefined);
  }

  /** `put()` without a Promise, for synchronous code (Python's `put` is synchronous). */
  putSync(item: T): void {
    putItemSync(this.#channel, item, undefined);
  }

  /**
   * The oldest item, waiting while the queue is empty; QueueEmptyError after `timeout`, QueueClosedError when closed and drained.
   */
  get(options?: WaitOptions | number): Promise<T> {
    return getItem<T>(this.#channel, options);
  }

  /** `get()` that blocks this thread while the queue is empty. */
  getSync(options?: WaitOptions | number): T {
    return getItemSync<T>(this.#channel, options);
  }

  /** Whether the queue holds no item now (a snapshot: other threads may change it at once). */
  empty(): boolean {
    return itemsIn(this.#channel.words) === 0;
  }

  /** No more puts, from any thread (QueueClosedError); gets take what is left, then throw QueueClosedError. */
  close(): void {
    closeChannel(this.#channel);
    this.#channel.settle();
  }

  /** The shareable protocol: the block a copy of this object in another thread is revived from. */
  [SHAREABLE](): Block {
    return sendableBlock("SimpleQueue", this.#channel);
  }

  /** `<SimpleQueue at 0x1f40 size=2>`; the address is the same in every thread. */
  toString(): string {
    return describeQueue("SimpleQueue", this.#channel, "");
  }

  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return this.toString();
  }
}
