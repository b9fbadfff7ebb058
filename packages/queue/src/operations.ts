import { checkWaitOptions, enterCritical, leaveCritical, timeoutOf, waitAsync, waitSync, type Allocate, type Attempt, type WaitOptions } from "@multiproc/core/internal";
import {
  abandon,
  append,
  CLOSED,
  encodeItem,
  encodeItemWith,
  FREE_SEQ,
  GET_SEQ,
  GETTERS,
  hasRoom,
  isFull,
  itemsIn,
  lockHead,
  lockTail,
  own,
  PUTTERS,
  REFUSED,
  SHUT_DOWN,
  take,
  takenValue,
  unlockHead,
  unlockTail,
  wakeGetter,
  wakeGetters,
  wakePutter,
  type Channel,
  type Outgoing,
} from "./channel.js";
import { pause } from "./batching.js";
import { RECHECK_MS } from "./layout.js";
import { QueueClosedError, QueueEmptyError, QueueFullError, ShutDown } from "./errors.js";

/**
 * The behaviour every queue class shares, once: put and get in their async,
 * sync and no-wait forms. A waiter registers (GETTERS or PUTTERS) only right
 * before it sleeps, so puts and gets skip the notify when nobody sleeps; a
 * waiter that leaves without acting (timeout, abort) passes a wake-up on, so
 * the notify that may have been meant for it is not lost. The first try
 * needs no Waiter at all: most puts and gets of a busy queue succeed at once.
 *
 * Puts and gets hold different locks, so a sleeper's registration and the
 * other side's commit are ordered by their atomics alone (Dekker's pattern):
 * a getter adds itself to GETTERS, then looks at PUTS; a put stores PUTS,
 * then reads GETTERS. Of any such pair at least one sees the other's write,
 * so either the getter finds the item or the put notifies it. (Putters,
 * PUTTERS and GETS likewise.)
 */

/** One try at a put: true if appended, false if full; throws QueueClosedError (the caller gives the item back). */
function tryPut(channel: Channel, item: Outgoing): boolean {
  const getters = tryAppend(channel, item);
  if (getters < 0) return false;
  wakeGetter(channel, getters);
  return true;
}

/** tryPut without the wake-up: the getters registered to sleep (read after the commit), or -1 if full. */
function tryAppend(channel: Channel, item: Outgoing): number {
  const { words } = channel;
  lockTail(channel);
  try {
    if (words[CLOSED]) throw putRefused(words[CLOSED]!);
    if (!hasRoom(channel)) return -1;
    append(channel, item); // throws if a new segment does not fit in the arena: nothing appended
  } finally {
    unlockTail(channel);
  }
  return Atomics.load(words, GETTERS);
}

/** What tryGet returns when there is nothing to take (an item may be `undefined`); Symbol.for, so every copy of this package agrees. */
export const NOTHING: unique symbol = Symbol.for("multiproc.queue.nothing") as never;

/**
 * One try at a get: the item, or NOTHING if empty; throws QueueClosedError when closed and drained.
 *
 * A get is a critical section from the take to the end of the decode (see
 * core's critical.ts): the item's handles pass from the queue to the
 * revived objects there, so a thread stopped in between (a Process's
 * terminate) would lose their references. A stop waits for the decode.
 */
export function tryGet(channel: Channel): unknown {
  enterCritical();
  try {
    return tryGetInCritical(channel);
  } finally {
    leaveCritical();
  }
}

function tryGetInCritical(channel: Channel): unknown {
  const { words } = channel;
  // CLOSED before the look at PUTS (in take): puts that committed before a close are then seen.
  const closed = Atomics.load(words, CLOSED);
  const taken = locked(channel, (c) => take(c));
  if (taken) {
    const putters = Atomics.load(words, PUTTERS);
    wakePutter(channel, putters);
    const value = takenValue(channel, taken);
    if (closed) channel.settle(); // this get may have drained a closed queue
    return value;
  }
  if (closed) {
    channel.settle();
    throw drained(closed);
  }
  return NOTHING;
}

/** `take` holding the get lock, which an exception (a corrupt log) does not leave held. */
function locked<R>(channel: Channel, take: (channel: Channel) => R): R {
  lockHead(channel);
  try {
    return take(channel);
  } finally {
    unlockHead(channel);
  }
}

/** The error of a put on a queue that was closed or shut down. */
function putRefused(state: number): Error {
  return state === SHUT_DOWN ? new ShutDown("Cannot put on a queue that was shut down") : new QueueClosedError("Cannot put on a closed queue");
}

/** The error of a get that finds nothing left in a queue that was closed or shut down. */
function drained(state: number): Error {
  return state === SHUT_DOWN ? new ShutDown("The queue was shut down and nothing is left") : new QueueClosedError("The queue is closed and empty");
}

/** A waiter's registration: counted in GETTERS or PUTTERS only while it may sleep. */
class Waiter {
  #registered = false;
  readonly #channel: Channel;
  readonly #counter: number;
  readonly #seq: number;

  constructor(channel: Channel, counter: number, seq: number) {
    this.#channel = channel;
    this.#counter = counter;
    this.#seq = seq;
  }

  /**
   * At the start of a try, before it looks at the queue: the value to sleep
   * on if the try fails, registered first if a sleep follows (a registration
   * from the previous turn stays).
   */
  sleepOn(beforeSleep: boolean): number {
    if (beforeSleep && !this.#registered) {
      Atomics.add(this.#channel.words, this.#counter, 1);
      this.#registered = true;
      // While registered, this waiter holds the instance's memory: a try that
      // finds the queue spent must not let go of it before leave() has
      // unregistered, or that write lands in memory another thread may have
      // made a new queue in by then (its count of sleepers read -1).
      this.#channel.waiting++;
    }
    return Atomics.load(this.#channel.words, this.#seq);
  }

  /** Leaving for good: unregister, and pass a wake-up on if the queue has what others wait for; then the memory may go (spent.ts). */
  leave(ready: (words: Int32Array) => boolean): void {
    if (!this.#registered) return;
    const channel = this.#channel;
    const { words } = channel;
    Atomics.sub(words, this.#counter, 1);
    this.#registered = false;
    if (Atomics.load(words, this.#counter) > 0 && ready(words)) {
      Atomics.add(words, this.#seq, 1);
      Atomics.notify(words, this.#seq, 1);
    }
    channel.waiting--;
    channel.settle();
  }
}

function putAttempt(channel: Channel, item: Outgoing, waiter: Waiter): Attempt {
  const { words } = channel;
  return (beforeSleep) => {
    if (!beforeSleep && channel.putBatching.shouldPause()) pause();
    const seq = waiter.sleepOn(beforeSleep);
    lockTail(channel);
    try {
      if (words[CLOSED]) throw putRefused(words[CLOSED]!);
      if (!hasRoom(channel)) return seq;
      append(channel, item);
      channel.putBatching.found(channel.roomKnown + 1);
    } finally {
      unlockTail(channel);
    }
    wakeGetter(channel, Atomics.load(words, GETTERS));
    return true;
  };
}

/**
 * Which items a get takes: with `accept`, only an item whose codec tag it
 * accepts; any other leaves the queue as it was and the get throws `refuse(tag)`.
 */
export interface GetFilter {
  accept(tag: number): boolean;
  refuse(tag: number): Error;
}

function getAttempt(channel: Channel, waiter: Waiter, out: { value?: unknown }, filter?: GetFilter): Attempt {
  const attempt = getAttemptInCritical(channel, waiter, out, filter);
  // From the take to the end of the decode, as tryGet.
  return (beforeSleep) => {
    if (!beforeSleep && channel.getBatching.shouldPause()) pause();
    enterCritical();
    try {
      return attempt(beforeSleep);
    } finally {
      leaveCritical();
    }
  };
}

function getAttemptInCritical(channel: Channel, waiter: Waiter, out: { value?: unknown }, filter?: GetFilter): Attempt {
  const { words } = channel;
  let tag = -1;
  const accept = filter && ((seen: number) => filter.accept((tag = seen)));
  return (beforeSleep) => {
    const seq = waiter.sleepOn(beforeSleep);
    const closed = Atomics.load(words, CLOSED); // before the look at PUTS, as tryGet
    const taken = accept ? locked(channel, (c) => take(c, accept)) : locked(channel, (c) => take(c));
    if (taken === REFUSED) throw filter!.refuse(tag);
    if (taken) {
      channel.getBatching.found(channel.itemsKnown + 1);
      wakePutter(channel, Atomics.load(words, PUTTERS));
      out.value = takenValue(channel, taken);
      if (closed) channel.settle(); // this get may have drained a closed queue
      return true;
    }
    if (closed) {
      channel.settle();
      throw drained(closed);
    }
    return seq;
  };
}

/**
 * Counts an async wait of this instance while it is in progress: its attempts
 * hold the instance's shared memory, which a close() on this thread must not
 * let go of until the wait is over (spent.ts). Only waits count: a put or get
 * that succeeds at once is done with the memory before it returns.
 */
export async function whileWaiting<R>(channel: Channel, wait: Promise<R>): Promise<R> {
  channel.waiting++;
  try {
    return await wait;
  } finally {
    channel.waiting--;
    channel.settle();
  }
}

const hasItems = (words: Int32Array) => itemsIn(words) > 0;
const notFull = (words: Int32Array) => !isFull(words);

export async function putItem(channel: Channel, item: unknown, options: WaitOptions | number | undefined): Promise<void> {
  if (options !== undefined) checkWaitOptions(options);
  let outgoing = encodeItem(channel, item);
  let done = false;
  let waiter: Waiter | undefined;
  try {
    done = tryPut(channel, outgoing);
    if (!done) {
      outgoing = own(outgoing); // other code on this thread encodes while this put waits
      waiter = new Waiter(channel, PUTTERS, FREE_SEQ);
      done = await whileWaiting(channel, waitAsync(channel.words, FREE_SEQ, putAttempt(channel, outgoing, waiter), options, RECHECK_MS));
    }
  } finally {
    waiter?.leave(notFull);
    if (!done) abandon(channel, outgoing);
  }
  if (!done) throw new QueueFullError(`The queue stayed full for ${timeoutOf(options)} ms`);
}

export function putItemSync(channel: Channel, item: unknown, options: WaitOptions | number | undefined): void {
  if (options !== undefined) checkWaitOptions(options);
  const outgoing = encodeItem(channel, item);
  let done = false;
  let waiter: Waiter | undefined;
  try {
    done = tryPut(channel, outgoing);
    if (!done) {
      waiter = new Waiter(channel, PUTTERS, FREE_SEQ);
      done = waitSync(channel.words, FREE_SEQ, putAttempt(channel, outgoing, waiter), options, RECHECK_MS);
    }
  } finally {
    waiter?.leave(notFull);
    if (!done) abandon(channel, outgoing);
  }
  if (!done) throw new QueueFullError(`The queue stayed full for ${timeoutOf(options)} ms`);
}

export function putItemNowait(channel: Channel, item: unknown): void {
  wakeGetter(channel, appendNowait(channel, item));
}

/** Encodes and appends one item or throws (QueueFullError, QueueClosedError), leaving nothing behind; the sleeping getters seen. */
function appendNowait(channel: Channel, item: unknown): number {
  return appendEncodedNowait(channel, encodeItem(channel, item));
}

/**
 * putNowait of the Uint8Array that `write` writes straight into the queue
 * (core's encodeBytesWith): a get finds it as if that array had been put.
 * Throws as putNowait; whatever `write` throws propagates, with nothing put.
 * Returns whether it woke a sleeping getter (1) or not (0).
 */
export function putWrittenNowait(channel: Channel, write: (allocate: Allocate) => Uint8Array): number {
  const woken = Math.min(1, appendEncodedNowait(channel, encodeItemWith(channel, write)));
  wakeGetters(channel, woken);
  return woken;
}

function appendEncodedNowait(channel: Channel, outgoing: Outgoing): number {
  let getters = -1;
  try {
    getters = tryAppend(channel, outgoing);
  } finally {
    if (getters < 0) abandon(channel, outgoing);
  }
  if (getters < 0) throw new QueueFullError("The queue is full");
  return getters;
}

/**
 * putNowait of several items in order, with one wake-up at the end instead
 * of one per item (a notify is a system call: the pool hands a worker its
 * tasks in batches). Throws as putNowait at the first item that cannot go;
 * the ones before it are in the queue (and their sleepers are woken).
 * Returns how many sleepers the items are for; with `wake` false they are
 * not woken yet, and the caller must `wakeGetters` them (after other work:
 * a thread woken on this one's core may take the core over at once).
 */
export function putAllNowait(channel: Channel, items: readonly unknown[], wake: boolean): number {
  let put = 0;
  let getters = 0;
  let ok = false;
  try {
    for (const item of items) {
      getters = appendNowait(channel, item);
      put++;
    }
    ok = true;
  } finally {
    if (wake || !ok) wakeGetters(channel, Math.min(put, getters));
  }
  return Math.min(put, getters);
}

export async function getItem<T>(channel: Channel, options: WaitOptions | number | undefined, filter?: GetFilter, keepAlive = true): Promise<T> {
  if (options !== undefined) checkWaitOptions(options);
  if (!filter) {
    const now = tryGet(channel);
    if (now !== NOTHING) return now as T;
  }
  const out: { value?: unknown } = {};
  const waiter = new Waiter(channel, GETTERS, GET_SEQ);
  let done: boolean;
  try {
    done = await whileWaiting(channel, waitAsync(channel.words, GET_SEQ, getAttempt(channel, waiter, out, filter), options, RECHECK_MS, keepAlive));
  } finally {
    waiter.leave(hasItems);
  }
  if (!done) throw new QueueEmptyError(`The queue stayed empty for ${timeoutOf(options)} ms`);
  return out.value as T;
}

export function getItemSync<T>(channel: Channel, options: WaitOptions | number | undefined, filter?: GetFilter): T {
  if (options !== undefined) checkWaitOptions(options);
  if (!filter) {
    const now = tryGet(channel);
    if (now !== NOTHING) return now as T;
  }
  const out: { value?: unknown } = {};
  const waiter = new Waiter(channel, GETTERS, GET_SEQ);
  let done: boolean;
  try {
    done = waitSync(channel.words, GET_SEQ, getAttempt(channel, waiter, out, filter), options, RECHECK_MS);
  } finally {
    waiter.leave(hasItems);
  }
  if (!done) throw new QueueEmptyError(`The queue stayed empty for ${timeoutOf(options)} ms`);
  return out.value as T;
}

export function getItemNowait<T>(channel: Channel): T {
  const now = tryGet(channel);
  if (now === NOTHING) throw new QueueEmptyError("The queue is empty");
  return now as T;
}

/**
 * Waits until a get would not wait: an item is there, or the queue is closed
 * (a get then reports the end). Takes nothing. Registers like a getter so
 * puts wake it, and passes the wake-up on when it leaves, so a poller never
 * swallows the notify a real getter needed.
 */
function readableAttempt(channel: Channel, waiter: Waiter): Attempt {
  const { words } = channel;
  return (beforeSleep) => {
    const seq = waiter.sleepOn(beforeSleep);
    return Atomics.load(words, CLOSED) || itemsIn(words) > 0 ? true : seq;
  };
}

export async function waitReadable(channel: Channel, options: WaitOptions | number | undefined): Promise<boolean> {
  const waiter = new Waiter(channel, GETTERS, GET_SEQ);
  try {
    return await whileWaiting(channel, waitAsync(channel.words, GET_SEQ, readableAttempt(channel, waiter), options, RECHECK_MS));
  } finally {
    waiter.leave(hasItems);
  }
}

export function waitReadableSync(channel: Channel, options: WaitOptions | number | undefined): boolean {
  const waiter = new Waiter(channel, GETTERS, GET_SEQ);
  try {
    return waitSync(channel.words, GET_SEQ, readableAttempt(channel, waiter), options, RECHECK_MS);
  } finally {
    waiter.leave(hasItems);
  }
}
