import { discardEncoded, lockMutex, releaseBlock, unlockMutex, type Arena, type Block } from "@multiproc/core";
import {
  CLOSED,
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

/** Copies of a few bytes are faster by hand than through set()/slice(). */
const SMALL_COPY = 32;

/** An encoded item ready to append: its bytes, or the block they were spilled into. */
export interface Outgoing {
  readonly bytes: Uint8Array;
  /** Offset of the spill block, or 0 when the bytes go inline. */
  readonly spill: number;
}

/** What a take found: the encoded bytes, copied out (a spilled item is copied after the unlock). */
export type Taken = { bytes: Uint8Array } | { spill: number; length: number };

const BLOCK_HEADER = 16;
const payload = (offset: number) => offset + BLOCK_HEADER;
const align8 = (n: number) => (n + 7) & ~7;

export function openChannel(block: Block): Channel {
  return { block, arena: block.arena, words: block.int32(0, HEADER_WORDS), tail: NO_SEGMENT, head: NO_SEGMENT };
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

/** Encoded bytes as a record: inline when small, else copied now (before any lock) into a block of their own. */
export function prepare(channel: Channel, bytes: Uint8Array): Outgoing {
  if (bytes.byteLength <= channel.words[SEG_BYTES]! >>> 2) return { bytes, spill: 0 };
  const spill = channel.arena.allocate(KIND_BUFFER, bytes.byteLength);
  channel.arena.u8.set(bytes, payload(spill));
  return { bytes, spill };
}

/** Gives back what `prepare` took, for an item that will not be put after all. */
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

/** Holding the lock: removes the oldest record, or returns undefined if there is none. */
export function take(channel: Channel): Taken | undefined {
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
    let taken: Taken;
    if (flags === SPILLED) {
      taken = { spill: view.u32[w + 2]!, length };
      words[HEAD_POS] = pos + RECORD_HEADER + 8;
    } else {
      const at = pos + RECORD_HEADER;
      const { u8 } = view;
      let bytes: Uint8Array;
      if (length <= SMALL_COPY) {
        bytes = new Uint8Array(length);
        for (let i = 0; i < length; i++) bytes[i] = u8[at + i]!;
      } else {
        bytes = u8.slice(at, at + length);
      }
      taken = { bytes };
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

/** After the unlock: the bytes of a taken item (a spilled one is copied out and its block freed). */
export function bytesOf(channel: Channel, taken: Taken): Uint8Array {
  if ("bytes" in taken) return taken.bytes;
  const start = payload(taken.spill);
  const bytes = channel.arena.u8.slice(start, start + taken.length);
  releaseBlock(channel.arena, taken.spill);
  return bytes;
}

/** Wakes one sleeping getter if any registered (call after the unlock, with GETTERS read under it). */
export function wakeGetter(channel: Channel, getters: number): void {
  if (getters > 0) Atomics.notify(channel.words, GET_SEQ, 1);
}

export function wakePutter(channel: Channel, putters: number): void {
  if (putters > 0) Atomics.notify(channel.words, FREE_SEQ, 1);
}

/** close(): no more puts; every sleeper wakes to look again. */
export function closeChannel(channel: Channel): void {
  const { words } = channel;
  lock(channel);
  words[CLOSED] = 1;
  Atomics.add(words, GET_SEQ, 1);
  Atomics.add(words, FREE_SEQ, 1);
  unlock(channel);
  Atomics.notify(words, GET_SEQ);
  Atomics.notify(words, FREE_SEQ);
}

/**
 * The last reference is gone: drop the references held by items still in
 * the queue (shareables inside them), free their spill blocks and every segment.
 */
export function disposeChannel(channel: Channel): void {
  const { words, arena } = channel;
  for (let taken = take(channel); taken; taken = take(channel)) discardEncoded(bytesOf(channel, taken));
  releaseBlock(arena, words[HEAD_SEG]! >>> 0);
  if (words[SPARE]) releaseBlock(arena, words[SPARE]! >>> 0);
}

function takeSegment(channel: Channel): number {
  const { words } = channel;
  const spare = words[SPARE]! >>> 0;
  const segment = spare || channel.arena.allocate(KIND_BUFFER, words[SEG_BYTES]!);
  words[SPARE] = 0;
  channel.arena.u32[payload(segment) >>> 2] = 0; // SEGMENT_NEXT: none yet
  return segment;
}

function giveBackSegment(channel: Channel, segment: number): void {
  const { words } = channel;
  if (words[SPARE] === 0) words[SPARE] = segment;
  else releaseBlock(channel.arena, segment);
}

export { CLOSED, FREE_SEQ, GET_SEQ, GETTERS, ITEMS, MAXSIZE, PUTTERS, UNFINISHED };
