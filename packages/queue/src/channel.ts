import { decode, discardEncoded, encode, lockMutex, releaseBlock, unlockMutex, type Allocate, type Arena, type Block } from "@multiproc/core/internal";
import {
  CLOSED,
  CLOSED_BY_CLOSE,
  DEFAULT_SEGMENT_BYTES,
  DONE,
  END,
  FREE_SEQ,
  GET_SEQ,
  GETTERS,
  HEAD,
  HEAD_SEG,
  HEADER_WORDS,
  INLINE,
  ITEMS,
  JUMP,
  KIND_BUFFER,
  MAXSIZE,
  MUTEX,
  OPEN,
  PUTS,
  PUTTERS,
  RECORD_HEADER,
  SEG_BYTES,
  SHUT_DOWN,
  SPARE,
  SPILLED,
  TAIL,
  TAIL_SEG,
} from "./layout.js";

/**
 * The state machine of a queue over its header words and segments (see
 * layout.ts): append and take one record, with the waiter bookkeeping that
 * lets a put or get skip the notify when nobody sleeps, and the repair of a
 * queue whose lock was taken over from a thread that died in it. Pure
 * functions over shared memory; the Queue classes add encoding, waiting and errors.
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
  /** Runs when this thread takes the queue's lock over from a thread that died holding it. */
  readonly repair: () => void;
  /** Async waits of this instance in progress: while any is, the instance keeps its memory (see spent.ts). */
  waiting: number;
  /** Set by the instance: lets go of its memory if the queue is spent and nothing of it waits (spent.ts). */
  settle: () => void;
  /** True for an instance's private copy of a spent queue's header: its shared memory was let go of. */
  readonly spent: boolean;
}

/**
 * Fixed-length views of one segment's payload, cached per thread: typed
 * arrays over the arena's length-tracking views are noticeably slower, and a
 * segment stays the same for thousands of records. `base` is the arena
 * offset of the payload: a record at arena offset `at` is at `at - base` here.
 */
interface SegmentView {
  offset: number;
  base: number;
  u8: Uint8Array;
  u32: Uint32Array;
}

export const NO_SEGMENT: SegmentView = { offset: -1, base: 0, u8: new Uint8Array(0), u32: new Uint32Array(0) };

function segmentView(channel: Channel, cached: SegmentView, segment: number): SegmentView {
  if (cached.offset === segment) return cached;
  const bytes = channel.words[SEG_BYTES]!;
  const { buffer } = channel.arena;
  const base = payload(segment);
  return { offset: segment, base, u8: new Uint8Array(buffer, base, bytes), u32: new Uint32Array(buffer, base, bytes >>> 2) };
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
    repair: () => repairChannel(channel),
    waiting: 0,
    settle: () => {},
    spent: false,
  };
  return channel;
}

/** Sets up a new queue's header and first segment, whose log is one END record. */
export function initChannel(channel: Channel, maxsize: number, segmentBytes = DEFAULT_SEGMENT_BYTES): void {
  const { words, arena } = channel;
  words[MAXSIZE] = maxsize;
  words[SEG_BYTES] = segmentBytes;
  const first = arena.allocate(KIND_BUFFER, segmentBytes, false);
  writeEnd(arena.u32, payload(first));
  words[HEAD_SEG] = words[TAIL_SEG] = first;
  words[HEAD] = words[TAIL] = payload(first);
}

/** An END record at arena offset `at`, through a view whose byte 0 is arena offset `base`. */
function writeEnd(u32: Uint32Array, at: number, base = 0): void {
  const w = (at - base) >>> 2;
  u32[w] = 0;
  u32[w + 1] = END;
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
  lockMutex(channel.words, MUTEX, channel.repair);
}

export function unlock(channel: Channel): void {
  unlockMutex(channel.words, MUTEX);
}

export function isFull(words: Int32Array): boolean {
  const max = words[MAXSIZE]!;
  return max > 0 && words[ITEMS]! >= max;
}

/** Writes the record of `item` at arena offset `at` (whose view is `view`), all but its FLAGS word (the commit). */
function writeRecord(view: SegmentView, at: number, item: Outgoing): void {
  const w = (at - view.base) >>> 2;
  view.u32[w] = item.bytes.byteLength;
  if (item.spill) {
    view.u32[w + 2] = item.spill;
    return;
  }
  const to = at - view.base + RECORD_HEADER;
  const { u8 } = view;
  const length = item.bytes.byteLength;
  if (length <= SMALL_COPY) for (let i = 0; i < length; i++) u8[to + i] = item.bytes[i]!;
  else u8.set(item.bytes, to);
}

/**
 * Holding the lock: appends one record. The caller checked CLOSED and
 * MAXSIZE. The record and the END after it are written first; one store of
 * the old END's FLAGS then commits the put (see layout.ts).
 */
export function append(channel: Channel, item: Outgoing): void {
  const { words } = channel;
  const need = RECORD_HEADER + (item.spill ? 8 : align8(item.bytes.byteLength));
  const flags = item.spill ? SPILLED : INLINE;
  const at = words[TAIL]! >>> 0;
  const view = (channel.tail = segmentView(channel, channel.tail, words[TAIL_SEG]! >>> 0));
  const w = (at - view.base) >>> 2;
  let end: number;
  // A segment's last RECORD_HEADER bytes stay free for a JUMP (or the END).
  if (at - view.base + need <= words[SEG_BYTES]! - RECORD_HEADER) {
    end = at + need;
    writeEnd(view.u32, end, view.base);
    writeRecord(view, at, item);
    Atomics.store(view.u32, w + 1, flags); // the commit
  } else {
    // The record goes first in a new segment; the old END becomes a JUMP to it.
    const next = takeSegment(channel);
    const nextView = (channel.tail = segmentView(channel, channel.tail, next));
    const first = nextView.base;
    end = first + need;
    writeEnd(nextView.u32, end, first);
    writeRecord(nextView, first, item);
    nextView.u32[1] = flags;
    view.u32[w] = first;
    Atomics.store(view.u32, w + 1, JUMP); // the commit
    words[TAIL_SEG] = next;
  }
  words[TAIL] = end;
  words[ITEMS] = words[ITEMS]! + 1;
  words[PUTS] = words[PUTS]! + 1;
  Atomics.add(words, GET_SEQ, 1);
}

/**
 * Holding the lock: removes the oldest record, or returns undefined if there
 * is none. With `accept`, the record is taken only if `accept` says yes to
 * the first byte of its encoding (the codec's tag); REFUSED otherwise. One
 * store of HEAD commits the get.
 */
export function take(channel: Channel): Taken | undefined;
export function take(channel: Channel, accept: (tag: number) => boolean): Taken | typeof REFUSED | undefined;
export function take(channel: Channel, accept?: (tag: number) => boolean): Taken | typeof REFUSED | undefined {
  const { words } = channel;
  if (words[ITEMS] === 0) return undefined;
  for (;;) {
    const segment = words[HEAD_SEG]! >>> 0;
    const view = (channel.head = segmentView(channel, channel.head, segment));
    const at = words[HEAD]! >>> 0;
    const w = (at - view.base) >>> 2;
    const length = view.u32[w]!;
    const flags = view.u32[w + 1]!;
    if (flags === END) return undefined;
    if (flags === JUMP) {
      Atomics.store(words, HEAD, length); // the commit: `length` is the first record of the next segment
      words[HEAD_SEG] = length - BLOCK_HEADER;
      giveBackSegment(channel, segment);
      continue;
    }
    if (accept) {
      const tag = flags === SPILLED ? channel.arena.u8[payload(view.u32[w + 2]!)]! : view.u8[at - view.base + RECORD_HEADER]!;
      if (!accept(tag)) return REFUSED;
    }
    let taken: Taken;
    let next: number;
    if (flags === SPILLED) {
      const spill = view.u32[w + 2]!;
      taken = { bytes: new Uint8Array(channel.arena.buffer, payload(spill), length), spill };
      next = at + RECORD_HEADER + 8;
    } else {
      const from = at - view.base + RECORD_HEADER;
      const { u8 } = view;
      const bytes = (readScratch = grown(readScratch, length));
      if (length <= SMALL_COPY) for (let i = 0; i < length; i++) bytes[i] = u8[from + i]!;
      else bytes.set(u8.subarray(from, from + length));
      taken = { bytes: bytes.subarray(0, length), spill: 0 };
      next = at + RECORD_HEADER + align8(length);
    }
    Atomics.store(words, HEAD, next); // the commit
    const items = words[ITEMS]! - 1;
    words[ITEMS] = items;
    // Empty, and head and tail in one segment: start that segment over
    // instead of growing the chain. END first, then HEAD, then TAIL: a death
    // between leaves a log that repair reads right.
    if (items === 0 && words[HEAD_SEG] === words[TAIL_SEG] && next !== view.base) {
      writeEnd(view.u32, view.base, view.base);
      Atomics.store(words, HEAD, view.base);
      words[TAIL] = view.base;
    }
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

/**
 * Holding the lock, taken over from a thread that died holding it: makes the
 * derived words agree with the log again. The dead thread's put or get
 * either committed (its one store happened) or left no trace in the log, so
 * the log is right; what may lag is what it updates after its commit:
 * HEAD_SEG, TAIL, TAIL_SEG, ITEMS, PUTS, and the wake-up of waiters (they
 * are woken here; they also look again every RECHECK_MS). At most the one
 * item a dying getter had taken is lost with it, and a segment or spill block
 * it was about to free may leak.
 */
export function repairChannel(channel: Channel): void {
  const { words, arena } = channel;
  const segBytes = words[SEG_BYTES]!;
  const head = words[HEAD]! >>> 0;
  let segment = words[HEAD_SEG]! >>> 0;
  if (head < payload(segment) || head >= payload(segment) + segBytes) {
    // It died after crossing a JUMP (HEAD is the first record of the next segment) and before the rest.
    giveBackSegment(channel, segment);
    segment = head - BLOCK_HEADER;
    words[HEAD_SEG] = segment;
  }
  const u32 = new Uint32Array(arena.buffer);
  let at = head;
  let items = 0;
  for (let steps = 0; ; steps++) {
    if (steps > arena.buffer.byteLength / RECORD_HEADER) throw new Error("multiproc: a queue's log is corrupt (it does not end)");
    const length = u32[at >>> 2]!;
    const flags = u32[(at >>> 2) + 1]!;
    if (flags === END) break;
    if (flags === JUMP) {
      at = length;
      segment = length - BLOCK_HEADER;
      continue;
    }
    if (flags !== INLINE && flags !== SPILLED) throw new Error(`multiproc: a queue's log is corrupt (a record with flags ${flags})`);
    items++;
    at += RECORD_HEADER + (flags === SPILLED ? 8 : align8(length));
  }
  // A put that committed without counting itself: one more item than ITEMS says.
  const uncounted = items - words[ITEMS]!;
  if (uncounted > 0) words[PUTS] = words[PUTS]! + uncounted;
  words[ITEMS] = items;
  words[TAIL] = at;
  words[TAIL_SEG] = segment;
  channel.head = channel.tail = NO_SEGMENT;
  Atomics.add(words, GET_SEQ, 1);
  Atomics.add(words, FREE_SEQ, 1);
  Atomics.notify(words, GET_SEQ);
  Atomics.notify(words, FREE_SEQ);
  process.emitWarning("A thread died inside a put or get of a multiproc queue; another thread took its lock over and repaired the queue", {
    code: "MULTIPROC_ABANDONED_LOCK",
  });
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

/** Items put and not yet marked done (JoinableQueue). */
export function unfinished(words: Int32Array): number {
  return (Atomics.load(words, PUTS) - Atomics.load(words, DONE)) | 0;
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
  let dropped = 0;
  lock(channel);
  if (words[CLOSED] !== SHUT_DOWN) words[CLOSED] = how;
  if (drop) {
    for (let taken = take(channel); taken; taken = take(channel)) {
      discardTaken(channel, taken);
      dropped++;
    }
  }
  Atomics.add(words, GET_SEQ, 1);
  Atomics.add(words, FREE_SEQ, 1);
  unlock(channel);
  Atomics.notify(words, GET_SEQ);
  Atomics.notify(words, FREE_SEQ);
  if (dropped > 0) {
    Atomics.add(words, DONE, dropped);
    Atomics.notify(words, DONE);
  }
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

/** A segment for the tail: the spare one, cleared first (a death after that leaks it, never shares it), or a new one. */
function takeSegment(channel: Channel): number {
  const { words } = channel;
  const spare = words[SPARE]! >>> 0;
  if (spare !== 0) {
    words[SPARE] = 0;
    return spare;
  }
  return channel.arena.allocate(KIND_BUFFER, words[SEG_BYTES]!, false);
}

function giveBackSegment(channel: Channel, segment: number): void {
  const { words } = channel;
  if (words[SPARE] === 0) words[SPARE] = segment;
  else releaseBlock(channel.arena, segment);
}

export { CLOSED, CLOSED_BY_CLOSE, DONE, FREE_SEQ, GET_SEQ, GETTERS, ITEMS, MAXSIZE, OPEN, PUTS, PUTTERS, SHUT_DOWN };
