import { checkOptionNames, claimBlock, describe, KIND, SHAREABLE, ValueError, type Allocate, type Block, type Shareable, type WaitOptions } from "@multiproc/core/internal";
import { CLOSED, CLOSED_BY_CLOSE, closeChannel, initChannel, isFull, itemsIn, MAXSIZE, openChannel, SHUT_DOWN, shutdownChannel, wakeGetters, type Channel } from "./channel.js";
import { QueueClosedError, ShutDown } from "./errors.js";
import { HEADER_WORDS } from "./layout.js";
import { settleChannel } from "./spent.js";
import { getItem, getItemNowait, getItemSync, NOTHING, type GetFilter, putAllNowait, putItem, putItemNowait, putItemSync, putWrittenNowait, tryGet, waitReadable, waitReadableSync } from "./operations.js";

/**
 * Hooks for `./internal.ts`, keyed with Symbol.for so that every copy of this
 * package answers them: a Queue revived in a thread is made by whichever copy
 * defined the kind first (the ESM and CJS builds, or two installed versions,
 * share one kind registry), and it must still work with the other copy's
 * `@multiproc/queue/internal` functions. A private field could not.
 *
 * Wait until a get would not wait, without taking anything.
 */
export const WAIT_READABLE = Symbol.for("multiproc.queue.waitReadable");
export const WAIT_READABLE_SYNC = Symbol.for("multiproc.queue.waitReadableSync");
/** getNowait() without the cost of an exception when empty; returns NOTHING then. */
export const TRY_GET = Symbol.for("multiproc.queue.tryGet");
/** putNowait of several items with one wake-up. */
export const PUT_ALL = Symbol.for("multiproc.queue.putAll");
export const WAKE_GETTERS = Symbol.for("multiproc.queue.wakeGetters");
export const GET_UNREFERENCED = Symbol.for("multiproc.queue.getUnreferenced");
/** A get that takes the next item only if a filter accepts its codec tag. */
export const GET_IF = Symbol.for("multiproc.queue.getIf");
export const GET_IF_SYNC = Symbol.for("multiproc.queue.getIfSync");
/** Put a Uint8Array written in place; read Uint8Array items in place. */
export const PUT_WRITTEN = Symbol.for("multiproc.queue.putWritten");
export const READ_BYTES_WITH = Symbol.for("multiproc.queue.readBytesWith");

/** Options of `new Queue(options)` and `new JoinableQueue(options)`. */
export interface QueueOptions {
  /** The most items the queue holds; `put` waits while it is full. 0 or less (the default): unbounded. */
  maxsize?: number | undefined;
}

/** Checks the options and opens (or revives) the channel of a queue class. */
export function openQueue(owner: object, kind: number, options: QueueOptions | undefined): Channel {
  if (options !== undefined && (typeof options !== "object" || options === null)) {
    throw new TypeError(`Expected queue options to be an object like { maxsize }, got ${describe(options)}`);
  }
  checkOptionNames(options, "queue options", ["maxsize"]);
  const maxsize = options?.maxsize ?? 0;
  if (typeof maxsize !== "number") throw new TypeError(`Expected \`maxsize\` to be an integer, got ${describe(maxsize)}`);
  if (!Number.isInteger(maxsize) || maxsize > 2 ** 31 - 1) throw new ValueError(`Expected \`maxsize\` to be an integer, got ${maxsize}`);
  const { block, revived } = claimBlock(owner, kind, HEADER_WORDS * 4);
  const channel = openChannel(block);
  if (!revived) initChannel(channel, Math.max(0, maxsize));
  return channel;
}

/**
 * A multi-producer, multi-consumer FIFO queue shared by every thread it
 * reaches, as Python's `multiprocessing.Queue`. Items are any
 * structured-cloneable values, shareable objects included; each is delivered
 * exactly once, in order.
 *
 * @example
 * ```ts
 * const q = new Queue<number>({ maxsize: 100 });
 * new Process({ target: (q) => { for (let i = 0; i < 10; i++) q.putSync(i); q.close(); }, args: [q] }).start();
 * for await (const n of q) console.log(n);
 * ```
 */
export class Queue<T = unknown> implements Shareable, AsyncIterable<T> {
  protected static readonly kindId: number = KIND.Queue;
  /** Replaced by a private copy once the queue is spent here (spent.ts). */
  #channel: Channel;

  constructor(options?: QueueOptions) {
    const cls = new.target as unknown as { kindId: number };
    this.#channel = openQueue(this, cls.kindId, options);
    const joinable = cls.kindId === KIND.JoinableQueue;
    this.#channel.settle = () => (this.#channel = settleChannel(this, this.#channel, joinable));
  }

  /** Appends `item`, waiting while the queue is full; rejects with QueueFullError after `timeout`, QueueClosedError once closed. */
  put(item: T, options?: WaitOptions | number): Promise<void> {
    return putItem(this.#channel, item, options);
  }

  /** `put()` that blocks this thread while the queue is full. */
  putSync(item: T, options?: WaitOptions | number): void {
    putItemSync(this.#channel, item, options);
  }

  /** Appends `item` if there is room now; QueueFullError if not. */
  putNowait(item: T): void {
    putItemNowait(this.#channel, item);
  }

  /** The oldest item, waiting while the queue is empty; QueueEmptyError after `timeout`, QueueClosedError when closed and drained. */
  get(options?: WaitOptions | number): Promise<T> {
    return getItem<T>(this.#channel, options);
  }

  /** `get()` that blocks this thread while the queue is empty. */
  getSync(options?: WaitOptions | number): T {
    return getItemSync<T>(this.#channel, options);
  }

  /** The oldest item if there is one now; QueueEmptyError if not. */
  getNowait(): T {
    return getItemNowait<T>(this.#channel);
  }

  /** Items in the queue now (other threads may change it at any moment). */
  qsize(): number {
    return itemsIn(this.#channel.words);
  }

  /** Whether the queue holds no item now (a snapshot: other threads may change it at once). */
  empty(): boolean {
    return this.qsize() === 0;
  }

  /** Whether the queue holds `maxsize` items now (never for an unbounded queue; a snapshot). */
  full(): boolean {
    return isFull(this.#channel.words);
  }

  /** The bound given at construction; 0 for an unbounded queue. */
  get maxsize(): number {
    return this.#channel.words[MAXSIZE]!;
  }

  /**
   * No more puts, in any thread; gets drain what is left, then throw
   * QueueClosedError. Waiters wake. Once the queue is closed and empty, this
   * instance lets go of its shared memory (the last one frees it).
   */
  close(): void {
    closeChannel(this.#channel);
    this.#channel.settle();
  }

  /**
   * Python 3.13's `shutdown()`: no more puts (they throw ShutDown), in any
   * thread; gets drain what is left, then throw ShutDown. With
   * `immediate: true` nothing is left: the items are dropped, every waiter
   * wakes with ShutDown, and a JoinableQueue counts the dropped items as
   * done, so `join()` returns once the items taken before are done.
   */
  shutdown(options: { immediate?: boolean | undefined } = {}): void {
    if (typeof options !== "object" || options === null) throw new TypeError(`Expected shutdown options like { immediate }, got ${describe(options)}`);
    if (options.immediate !== undefined && typeof options.immediate !== "boolean") {
      throw new TypeError(`Expected \`immediate\` to be a boolean, got ${describe(options.immediate)}`);
    }
    checkOptionNames(options, "shutdown options", ["immediate"]);
    shutdownChannel(this.#channel, options.immediate ?? false);
    this.#channel.settle();
  }

  /** Whether `shutdown()` was called (Python's `is_shutdown`). */
  get isShutdown(): boolean {
    return Atomics.load(this.#channel.words, CLOSED) === SHUT_DOWN;
  }

  /** Yields items until the queue is closed (or shut down) and drained. */
  async *[Symbol.asyncIterator](): AsyncIterator<T> {
    for (;;) {
      try {
        yield await this.get();
      } catch (error) {
        if (error instanceof QueueClosedError || error instanceof ShutDown) return;
        throw error;
      }
    }
  }

  /** The shareable protocol: the block a copy of this object in another thread is revived from. */
  [SHAREABLE](): Block {
    return sendableBlock(this.constructor.name, this.#channel);
  }

  /** @internal For @multiproc/pipe's poll(): true once an item is there or the queue is closed, false after `timeout`. */
  [WAIT_READABLE](options?: WaitOptions | number): Promise<boolean> {
    return waitReadable(this.#channel, options);
  }

  /** @internal */
  [WAIT_READABLE_SYNC](options?: WaitOptions | number): boolean {
    return waitReadableSync(this.#channel, options);
  }

  /** @internal The oldest item, or NOTHING when empty (QueueClosedError when closed and drained). */
  [TRY_GET](): T | typeof NOTHING {
    return tryGet(this.#channel) as T | typeof NOTHING;
  }

  /** @internal putNowait of each item in order, waking sleeping getters once at the end (or not, with `wake` false); how many they are. */
  [PUT_ALL](items: readonly T[], wake = true): number {
    return putAllNowait(this.#channel, items, wake);
  }

  /** @internal putNowait of the Uint8Array `write` writes straight into the queue; whether it woke a sleeping getter (1 or 0). */
  [PUT_WRITTEN](write: (allocate: Allocate) => Uint8Array): number {
    return putWrittenNowait(this.#channel, write);
  }

  /** @internal This instance's gets return `read(view)` for a Uint8Array item instead of a copy of it. */
  [READ_BYTES_WITH](read: (content: Uint8Array) => unknown): void {
    this.#channel.readBytes = read;
  }

  /** @internal get() whose wait does not keep the event loop alive. */
  [GET_UNREFERENCED](options?: WaitOptions | number): Promise<T> {
    return getItem<T>(this.#channel, options, undefined, false);
  }

  /** @internal Wakes up to `count` sleeping getters (after a putAll that did not). */
  [WAKE_GETTERS](count: number): void {
    wakeGetters(this.#channel, count);
  }

  /** @internal The next item if `filter` accepts its codec tag; otherwise throws `filter.refuse(tag)` and leaves it. */
  [GET_IF](filter: GetFilter, options?: WaitOptions | number): Promise<T> {
    return getItem<T>(this.#channel, options, filter);
  }

  /** @internal */
  [GET_IF_SYNC](filter: GetFilter, options?: WaitOptions | number): T {
    return getItemSync<T>(this.#channel, options, filter);
  }

  /** For JoinableQueue: its channel, which it shares with this class. */
  protected get channel(): Channel {
    return this.#channel;
  }

  /** `<Queue at 0x1f40 size=2 maxsize=10>`, plus `closed` or `shut down`; the address is the same in every thread. */
  toString(): string {
    return describeQueue(this.constructor.name, this.#channel, this.maxsize > 0 ? ` maxsize=${this.maxsize}` : "");
  }

  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return this.toString();
  }
}

/** The block to send, unless this instance let go of it (the queue is spent: sending it could serve no put or get anywhere). */
export function sendableBlock(name: string, channel: Channel): Block {
  if (channel.spent) {
    throw new ValueError(`Cannot send this ${name}: it is closed and empty, and this instance let go of its shared memory. Send a queue before it is spent.`);
  }
  return channel.block;
}

/** The description every queue class gives of itself. */
export function describeQueue(name: string, channel: Channel, extra: string): string {
  const state = Atomics.load(channel.words, CLOSED);
  const end = state === SHUT_DOWN ? " shut down" : state === CLOSED_BY_CLOSE ? " closed" : "";
  return `<${name} at 0x${channel.block.offset.toString(16)} size=${itemsIn(channel.words)}${extra}${end}>`;
}
