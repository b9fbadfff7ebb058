import { decode, discardEncoded, encode, lockMutex, releaseBlock, unlockMutex, type Allocate, type Arena, type Block } from "@multiproc/core";
import {
  CLOSED,
  CLOSED_BY_CLOSE,
  OPEN,
  SHUT_DOWN,
  DEFAULT_SEGMENT_BYTES,
  FREE_SEQ,
  GET_SEQ,
  GETTERS,
  HEAD_POS,
  HEAD_SEG,
  HEADER_WORDS,
  INLINE,
  ITEMS,
  JOINABLE,
  JUMP,
  KIND_BUFFER,
  MAXSIZE,
  MUTEX,
  PUTTERS,
  RECORD_HEADER,
  RECORDS_START,
  SEG_BYTES,
  SEGMENT_NEXT,
  SPARE,
  SPILLED,
  TAIL_POS,
  TAIL_SEG,
  UNFINISHED,
} from "./layout.js";

/**
 * The state machine of a queue over its header words and segments (see
 * layout.ts): append and take one record, with the waiter bookkeeping that
 * lets a put or get skip the notify when nobody sleeps. Pure functions over
 * shared memory; the Queue classes add encoding, waiting and errors.
 */
export interface Channel {
  readonly block: Block;
  readonly arena: Arena;
  readonly words: Int32Array;
  /** This thread's views of the segment it last wrote to and read from (see segmentView). */
  tail: SegmentView;
  head: SegmentView;
  /** Where this thread encodes items for this queue (see encodeItem). */
  readonly allocate: Allocate;
  /** The spill block the last encode for this queue allocated, 0 if it went inline. */
  spilled: number;
}

/**
 * Fixed-length views of one segment's payload, cached per thread: typed
 * arrays over the arena's length-tracking views are noticeably slower, and a
 * segment stays the same for thousands of records.
 */
interface SegmentView {
  offset: number;
  u8: Uint8Array;
  u32: Uint32Array;
}

const NO_SEGMENT: SegmentView = { offset: -1, u8: new Uint8Array(0), u32: new Uint32Array(0) };

function segmentView(channel: Channel, cached: SegmentView, segment: number): SegmentView {
  if (cached.offset === segment) return cached;
  const bytes = channel.words[SEG_BYTES]!;
  const { buffer } = channel.arena;
  return { offset: segment, u8: new Uint8Array(buffer, payload(segment), bytes), u32: new Uint32Array(buffer, payload(segment), bytes >>> 2) };
}

/** Copies of a few bytes are faster by hand than through set(). */
const SMALL_COPY = 32;

/**
 * An encoded item ready to append: inline bytes, or a view over the spill
 * block they were encoded into. Inline bytes sit in this thread's scratch
 * buffer until `own` copies them: the next encode overwrites the scratch.
 */
export interface Outgoing {
  readonly bytes: Uint8Array;
  /** Offset of the spill block, or 0 when the bytes go inline. */
  readonly spill: number;
}

/**
 * What a take found: the encoded bytes, in this thread's read scratch (inline)
 * or a view over the item's spill block, to decode at once (see takenValue).
 */
export interface Taken {
  readonly bytes: Uint8Array;
  readonly spill: number;
}

/**
 * Per-thread scratch buffers: items are encoded into `writeScratch` and
 * copied into a segment under the lock, and copied out of it into
 * `readScratch` and decoded after the unlock, so the common small item
 * allocates no buffer of its own (an ArrayBuffer over 64 bytes is a malloc).
 */
let writeScratch: Uint8Array = new Uint8Array(4096);
let readScratch: Uint8Array = new Uint8Array(4096);

function grown(scratch: Uint8Array, length: number): Uint8Array {
  return scratch.byteLength >= length ? scratch : new Uint8Array(Math.max(length, scratch.byteLength * 2));
}

const BLOCK_HEADER = 16;
const payload = (offset: number) => offset + BLOCK_HEADER;
const align8 = (n: number) => (n + 7) & ~7;

export function openChannel(block: Block): Channel {
  const channel: Channel = {
    block,
    arena: block.arena,
    words: block.int32(0, HEADER_WORDS),
    tail: NO_SEGMENT,
    head: NO_SEGMENT,
    spilled: 0,
    // An item over a quarter segment is encoded straight into a spill block;
    // anything smaller into the write scratch.
    allocate: (length) => {
      if (length <= channel.words[SEG_BYTES]! >>> 2) {
        channel.spilled = 0;
        writeScratch = grown(writeScratch, length);
        return writeScratch.subarray(0, length);
      }
      const spill = channel.arena.allocate(KIND_BUFFER, length, false);
      channel.spilled = spill;
      return new Uint8Array(channel.arena.buffer, payload(spill), length);
    },
  };
  return channel;
}

/** Sets up a new queue's header and first segment. */
export function initChannel(channel: Channel, maxsize: number, joinable: boolean, segmentBytes = DEFAULT_SEGMENT_BYTES): void {
  const { words, arena } = channel;
  words[MAXSIZE] = maxsize;
  words[JOINABLE] = joinable ? 1 : 0;
  words[SEG_BYTES] = segmentBytes;
  const first = arena.allocate(KIND_BUFFER, segmentBytes);
  words[HEAD_SEG] = words[TAIL_SEG] = first;
  words[HEAD_POS] = words[TAIL_POS] = RECORDS_START;
}

/**
 * Encodes an item before any lock is taken: a small one into the scratch, a
 * large one into a block of its own. (The allocate call comes last in an
 * encode, after any getter that could run a nested put, so `spilled` is ours.)
 */
export function encodeItem(channel: Channel, item: unknown): Outgoing {
  const bytes = encode(item, "item", channel.allocate);
  return { bytes, spill: channel.spilled };
}

/** An outgoing item that must survive later encodes on this thread (a put about to wait). */
export function own(item: Outgoing): Outgoing {
  return item.spill ? item : { bytes: item.bytes.slice(), spill: 0 };
}

/** Gives back what `encodeItem` took, for an item that will not be put after all. */
export function abandon(channel: Channel, item: Outgoing): void {
  if (item.spill) releaseBlock(channel.arena, item.spill);
  discardEncoded(item.bytes);
}

export function lock(channel: Channel): void {
  lockMutex(channel.words, MUTEX);
}

export function unlock(channel: Channel): void {
  unlockMutex(channel.words, MUTEX);
}

export function isFull(words: Int32Array): boolean {
  const max = words[MAXSIZE]!;
  return max > 0 && words[ITEMS]! >= max;
}

/** Holding the lock: appends one record. The caller checked CLOSED and MAXSIZE. */
export function append(channel: Channel, item: Outgoing): void {
  const { words } = channel;
  const length = item.bytes.byteLength;
  const need = RECORD_HEADER + (item.spill ? 8 : align8(length));
  let pos = words[TAIL_POS]!;
  let view = (channel.tail = segmentView(channel, channel.tail, words[TAIL_SEG]! >>> 0));
  // Keep room for a JUMP record at the end of every segment.
  if (pos + need > words[SEG_BYTES]! - RECORD_HEADER) {
    const next = takeSegment(channel);
    view.u32[pos >>> 2] = 0;
    view.u32[(pos >>> 2) + 1] = JUMP;
    view.u32[SEGMENT_NEXT] = next;
    words[TAIL_SEG] = next;
    view = channel.tail = segmentView(channel, channel.tail, next);
    pos = RECORDS_START;
  }
  const w = pos >>> 2;
  view.u32[w] = length;
  if (item.spill) {
    view.u32[w + 1] = SPILLED;
    view.u32[w + 2] = item.spill;
  } else {
    view.u32[w + 1] = INLINE;
    const at = pos + RECORD_HEADER;
    const { u8 } = view;
    if (length <= SMALL_COPY) for (let i = 0; i < length; i++) u8[at + i] = item.bytes[i]!;
    else u8.set(item.bytes, at);
  }
  words[TAIL_POS] = pos + need;
  words[ITEMS] = words[ITEMS]! + 1;
  if (words[JOINABLE]) Atomics.add(words, UNFINISHED, 1);
  Atomics.add(words, GET_SEQ, 1);
}

/**
 * Holding the lock: removes the oldest record, or returns undefined if there
 * is none. With `accept`, the record is taken only if `accept` says yes to
 * the first byte of its encoding (the codec's tag); REFUSED otherwise.
 */
export function take(channel: Channel): Taken | undefined;
export function take(channel: Channel, accept: (tag: number) => boolean): Taken | typeof REFUSED | undefined;
export function take(channel: Channel, accept?: (tag: number) => boolean): Taken | typeof REFUSED | undefined {
  const { words } = channel;
  if (words[ITEMS] === 0) return undefined;
  for (;;) {
    const segment = words[HEAD_SEG]! >>> 0;
    const view = (channel.head = segmentView(channel, channel.head, segment));
    const pos = words[HEAD_POS]!;
    const w = pos >>> 2;
    const length = view.u32[w]!;
    const flags = view.u32[w + 1]!;
    if (flags === JUMP) {
      words[HEAD_SEG] = view.u32[SEGMENT_NEXT]!;
      words[HEAD_POS] = RECORDS_START;
      giveBackSegment(channel, segment);
      continue;
    }
    if (accept) {
      const tag = flags === SPILLED ? channel.arena.u8[payload(view.u32[w + 2]!)]! : view.u8[pos + RECORD_HEADER]!;
      if (!accept(tag)) return REFUSED;
    }
    let taken: Taken;
    if (flags === SPILLED) {
      const spill = view.u32[w + 2]!;
      taken = { bytes: new Uint8Array(channel.arena.buffer, payload(spill), length), spill };
      words[HEAD_POS] = pos + RECORD_HEADER + 8;
    } else {
      const at = pos + RECORD_HEADER;
      const { u8 } = view;
      const bytes = (readScratch = grown(readScratch, length));
      if (length <= SMALL_COPY) for (let i = 0; i < length; i++) bytes[i] = u8[at + i]!;
      else bytes.set(u8.subarray(at, at + length));
      taken = { bytes: bytes.subarray(0, length), spill: 0 };
      words[HEAD_POS] = pos + RECORD_HEADER + align8(length);
    }
    const items = words[ITEMS]! - 1;
    words[ITEMS] = items;
    // Empty, and head and tail in one segment: start that segment over instead of growing the chain.
    if (items === 0 && words[HEAD_SEG] === words[TAIL_SEG]) words[HEAD_POS] = words[TAIL_POS] = RECORDS_START;
    Atomics.add(words, FREE_SEQ, 1);
    return taken;
  }
}

/** What `take` returns when `accept` refused the oldest item (which stays in the queue). */
export const REFUSED: unique symbol = Symbol("refused");

/**
 * Right after the unlock (before anything else on this thread can reuse the
 * read scratch): the taken item's value; a spilled item's block is freed.
 */
export function takenValue(channel: Channel, taken: Taken): unknown {
  try {
    return decode(taken.bytes);
  } finally {
    if (taken.spill) releaseBlock(channel.arena, taken.spill);
  }
}

/** Drops a taken item unread: the references it holds and its spill block. */
function discardTaken(channel: Channel, taken: Taken): void {
  discardEncoded(taken.bytes);
  if (taken.spill) releaseBlock(channel.arena, taken.spill);
}

/** Wakes one sleeping getter if any registered (call after the unlock, with GETTERS read under it). */
export function wakeGetter(channel: Channel, getters: number): void {
  if (getters > 0) Atomics.notify(channel.words, GET_SEQ, 1);
}

/** Wakes up to `count` sleeping getters (after a batch of puts). */
export function wakeGetters(channel: Channel, count: number): void {
  if (count > 0) Atomics.notify(channel.words, GET_SEQ, count);
}

export function wakePutter(channel: Channel, putters: number): void {
  if (putters > 0) Atomics.notify(channel.words, FREE_SEQ, 1);
}

/** close(): no more puts; every sleeper wakes to look again. A queue already shut down stays so. */
export function closeChannel(channel: Channel): void {
  endChannel(channel, CLOSED_BY_CLOSE, false);
}

/**
 * shutdown() (Python 3.13's Queue.shutdown): no more puts; gets drain what
 * is left, or with `immediate` nothing is left: the items are dropped (and a
 * JoinableQueue counts them as done, so join() can return). Every sleeper wakes.
 */
export function shutdownChannel(channel: Channel, immediate: boolean): void {
  endChannel(channel, SHUT_DOWN, immediate);
}

function endChannel(channel: Channel, how: number, drop: boolean): void {
  const { words } = channel;
  let unfinished = -1;
  lock(channel);
  if (words[CLOSED] !== SHUT_DOWN) words[CLOSED] = how;
  if (drop) {
    let dropped = 0;
    for (let taken = take(channel); taken; taken = take(channel)) {
      discardTaken(channel, taken);
      dropped++;
    }
    if (words[JOINABLE] && dropped > 0) {
      unfinished = Math.max(0, words[UNFINISHED]! - dropped);
      Atomics.store(words, UNFINISHED, unfinished);
    }
  }
  Atomics.add(words, GET_SEQ, 1);
  Atomics.add(words, FREE_SEQ, 1);
  unlock(channel);
  Atomics.notify(words, GET_SEQ);
  Atomics.notify(words, FREE_SEQ);
  if (unfinished === 0) Atomics.notify(words, UNFINISHED);
}

/**
 * The last reference is gone: drop the references held by items still in
 * the queue (shareables inside them), free their spill blocks and every segment.
 */
export function disposeChannel(channel: Channel): void {
  const { words, arena } = channel;
  for (let taken = take(channel); taken; taken = take(channel)) discardTaken(channel, taken);
  releaseBlock(arena, words[HEAD_SEG]! >>> 0);
  if (words[SPARE]) releaseBlock(arena, words[SPARE]! >>> 0);
}

function takeSegment(channel: Channel): number {
  const { words } = channel;
  const spare = words[SPARE]! >>> 0;
  const segment = spare || channel.arena.allocate(KIND_BUFFER, words[SEG_BYTES]!, false);
  words[SPARE] = 0;
  channel.arena.u32[payload(segment) >>> 2] = 0; // SEGMENT_NEXT: none yet
  return segment;
}

function giveBackSegment(channel: Channel, segment: number): void {
  const { words } = channel;
  if (words[SPARE] === 0) words[SPARE] = segment;
  else releaseBlock(channel.arena, segment);
}

export { CLOSED, CLOSED_BY_CLOSE, FREE_SEQ, GET_SEQ, GETTERS, ITEMS, MAXSIZE, OPEN, PUTTERS, SHUT_DOWN, UNFINISHED };
