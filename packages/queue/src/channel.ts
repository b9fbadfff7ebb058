import { bytesContent, decode, discardEncoded, encode, encodeBytesWith, lockMutex, releaseBlock, unlockMutex, type Allocate, type Arena, type Block } from "@multiproc/core/internal";
import { Batching } from "./batching.js";
import {
  CLOSED,
  CLOSED_BY_CLOSE,
  DEFAULT_SEGMENT_BYTES,
  DONE,
  END,
  FREE_SEQ,
  GET_SEQ,
  GETS,
  GETTERS,
  HEAD,
  HEAD_LOCK,
  HEAD_SEG,
  HEADER_WORDS,
  INLINE,
  JUMP,
  KIND_BUFFER,
  MAXSIZE,
  NEXT_SEG,
  OPEN,
  PUTS,
  PUTTERS,
  RECORD_HEADER,
  SEG_BYTES,
  SEQ_MASK,
  SHUT_DOWN,
  SPARE,
  SPILLED,
  TAIL,
  TAIL_LOCK,
  TAIL_SEG,
} from "./layout.js";

/**
 * The state machine of a queue over its header words and segments (see
 * layout.ts): append and take one record, each under its own lock, with the
 * waiter bookkeeping that lets a put or get skip the notify when nobody
 * sleeps, and the repair of either side whose lock was taken over from a
 * thread that died holding it. Pure functions over shared memory; the Queue
 * classes add encoding, waiting and errors.
 */
export interface Channel {
  readonly block: Block;
  readonly arena: Arena;
  readonly words: Int32Array;
  /** This thread's views of the segment it last wrote to and read from (see segmentView). */
  tail: SegmentView;
  head: SegmentView;
  /**
   * What this thread last learnt from the other side's count: items there
   * were to take (`itemsKnown`, from PUTS) and room there was (`roomKnown`,
   * from GETS), less what it took or put since. Trusted only while its own
   * side's count is still what this thread left it at (`getsAfter`,
   * `putsAfter`): then nobody else took or put in between, and the other
   * side can only have added items or room. 0: read the count again.
   */
  itemsKnown: number;
  getsAfter: number;
  roomKnown: number;
  putsAfter: number;
  /** Whether this thread's sync waits on each end pause to let the other end get ahead (batching.ts). */
  readonly putBatching: Batching;
  readonly getBatching: Batching;
  /** Where this thread encodes items for this queue (see encodeItem). */
  readonly allocate: Allocate;
  /** The spill block the last encode for this queue allocated, 0 if it went inline. */
  spilled: number;
  /**
   * How this instance's gets read a Uint8Array item: given a view of its
   * bytes in the queue's memory or this thread's read scratch, valid only
   * during the call, instead of returning a copy (see readBytesWith in
   * internal.ts). Undefined: a copy, as for any Queue.
   */
  readBytes: ((content: Uint8Array) => unknown) | undefined;
  /** Run when this thread takes the put or get lock over from a thread that died holding it. */
  readonly repairTail: () => void;
  readonly repairHead: () => void;
  /** Async waits of this instance in progress, and its sleepers registered in the header: while any is, the instance keeps its memory (see spent.ts). */
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
/** A record's TAG word: its SEQ (mod 2^30) and TYPE. */
const tag = (seq: number, type: number) => (((seq & SEQ_MASK) << 2) | type) >>> 0;
const seqOf = (tagWord: number) => tagWord >>> 2;

export function openChannel(block: Block): Channel {
  const channel: Channel = {
    block,
    arena: block.arena,
    words: block.int32(0, HEADER_WORDS),
    tail: NO_SEGMENT,
    head: NO_SEGMENT,
    itemsKnown: 0,
    getsAfter: 0,
    roomKnown: 0,
    putsAfter: 0,
    putBatching: new Batching(),
    getBatching: new Batching(),
    spilled: 0,
    readBytes: undefined,
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
    repairTail: () => repairTail(channel),
    repairHead: () => repairHead(channel),
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
  writeEnd(arena.u32, payload(first), 0, 0);
  words[HEAD_SEG] = words[TAIL_SEG] = first;
  words[HEAD] = words[TAIL] = payload(first);
}

/** An END record for item `seq` at arena offset `at`, through a view whose byte 0 is arena offset `base`. */
function writeEnd(u32: Uint32Array, at: number, base: number, seq: number): void {
  const w = (at - base) >>> 2;
  u32[w] = 0;
  u32[w + 1] = tag(seq, END);
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

/** encodeItem of the Uint8Array `write` writes, written in place (see core's encodeBytesWith). */
export function encodeItemWith(channel: Channel, write: (allocate: Allocate) => Uint8Array): Outgoing {
  const bytes = encodeBytesWith(write, channel.allocate);
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

/** The put lock: held to append, and to close (so that no put commits after CLOSED is set). */
export function lockTail(channel: Channel): void {
  lockMutex(channel.words, TAIL_LOCK, channel.repairTail);
}

export function unlockTail(channel: Channel): void {
  unlockMutex(channel.words, TAIL_LOCK);
}

/** The get lock: held to take. Taken after the put lock by a thread that needs both (shutdown). */
export function lockHead(channel: Channel): void {
  lockMutex(channel.words, HEAD_LOCK, channel.repairHead);
}

export function unlockHead(channel: Channel): void {
  unlockMutex(channel.words, HEAD_LOCK);
}

/** Items in the queue now. GETS is read first: it never passes PUTS, so the difference is never negative. */
export function itemsIn(words: Int32Array): number {
  const gets = Atomics.load(words, GETS);
  return (Atomics.load(words, PUTS) - gets) | 0;
}

export function isFull(words: Int32Array): boolean {
  const max = words[MAXSIZE]!;
  return max > 0 && itemsIn(words) >= max;
}

/** Holding the put lock: whether one more item fits, reading GETS only when this thread's last reading of it says full. */
export function hasRoom(channel: Channel): boolean {
  const { words } = channel;
  const max = words[MAXSIZE]!;
  if (max <= 0) return true;
  const puts = words[PUTS]!;
  if (puts === channel.putsAfter && channel.roomKnown > 0) return true;
  channel.roomKnown = max - ((puts - Atomics.load(words, GETS)) | 0);
  channel.putsAfter = puts;
  return channel.roomKnown > 0;
}

/** Holding the get lock: whether there is an item to take, reading PUTS only when this thread's last reading of it says empty. */
function hasItem(channel: Channel): boolean {
  const { words } = channel;
  const gets = words[GETS]!;
  if (gets === channel.getsAfter && channel.itemsKnown > 0) return true;
  channel.itemsKnown = (Atomics.load(words, PUTS) - gets) | 0;
  channel.getsAfter = gets;
  return channel.itemsKnown > 0;
}

/** Writes the record of `item` (item `seq`) at arena offset `at`, whose view is `view`; its TAG word last. */
function writeRecord(view: SegmentView, at: number, item: Outgoing, seq: number): void {
  const w = (at - view.base) >>> 2;
  view.u32[w] = item.bytes.byteLength;
  if (item.spill) {
    view.u32[w + 2] = item.spill;
    view.u32[w + 1] = tag(seq, SPILLED);
    return;
  }
  const to = at - view.base + RECORD_HEADER;
  const { u8 } = view;
  const length = item.bytes.byteLength;
  if (length <= SMALL_COPY) for (let i = 0; i < length; i++) u8[to + i] = item.bytes[i]!;
  else u8.set(item.bytes, to);
  view.u32[w + 1] = tag(seq, INLINE);
}

/**
 * Holding the put lock: appends one record. The caller checked CLOSED and
 * hasRoom. The record and the END after it are written first; one store of
 * PUTS then commits the put (see layout.ts); TAIL follows.
 */
export function append(channel: Channel, item: Outgoing): void {
  const { words } = channel;
  const need = RECORD_HEADER + (item.spill ? 8 : align8(item.bytes.byteLength));
  const puts = words[PUTS]!;
  const at = words[TAIL]! >>> 0;
  const view = (channel.tail = segmentView(channel, channel.tail, words[TAIL_SEG]! >>> 0));
  // A segment's last RECORD_HEADER bytes stay free for a JUMP (or the END).
  if (at - view.base + need <= words[SEG_BYTES]! - RECORD_HEADER) {
    const end = at + need;
    writeEnd(view.u32, end, view.base, puts + 1);
    writeRecord(view, at, item, puts);
    Atomics.store(words, PUTS, (puts + 1) | 0); // the commit
    words[TAIL] = end;
  } else {
    // The record goes first in a new segment, and the END becomes a JUMP to
    // it. NEXT_SEG is set once the record is written, so that a repair finds
    // there a record whose SEQ tells whether this put committed.
    const next = takeSegment(channel);
    const nextView = (channel.tail = segmentView(channel, channel.tail, next));
    const first = nextView.base;
    const end = first + need;
    writeEnd(nextView.u32, end, first, puts + 1);
    writeRecord(nextView, first, item, puts);
    const w = (at - view.base) >>> 2;
    view.u32[w] = first;
    view.u32[w + 1] = tag(puts, JUMP);
    Atomics.store(words, NEXT_SEG, next);
    Atomics.store(words, PUTS, (puts + 1) | 0); // the commit
    words[TAIL_SEG] = next;
    words[TAIL] = end;
    Atomics.store(words, NEXT_SEG, 0);
  }
  channel.putsAfter = (puts + 1) | 0;
  if (channel.roomKnown > 0) channel.roomKnown--;
  Atomics.add(words, GET_SEQ, 1);
}

/** The bytes a record of the log takes (not a JUMP or END). */
function recordBytes(u32: Uint32Array, w: number): number {
  return RECORD_HEADER + ((u32[w + 1]! & 3) === SPILLED ? 8 : align8(u32[w]!));
}

/**
 * Holding the get lock: removes the oldest record, or returns undefined if
 * there is none. With `accept`, the record is taken only if `accept` says
 * yes to the first byte of its encoding (the codec's tag); REFUSED
 * otherwise. One store of GETS commits the get; HEAD follows.
 */
export function take(channel: Channel): Taken | undefined;
export function take(channel: Channel, accept: (tag: number) => boolean): Taken | typeof REFUSED | undefined;
export function take(channel: Channel, accept?: (tag: number) => boolean): Taken | typeof REFUSED | undefined {
  const { words } = channel;
  if (!hasItem(channel)) return undefined;
  for (;;) {
    const segment = words[HEAD_SEG]! >>> 0;
    const view = (channel.head = segmentView(channel, channel.head, segment));
    const at = words[HEAD]! >>> 0;
    const w = (at - view.base) >>> 2;
    const length = view.u32[w]!;
    const type = view.u32[w + 1]! & 3;
    if (type === JUMP) {
      // HEAD first: a repair that finds it outside HEAD_SEG finishes the crossing.
      words[HEAD] = length; // `length` is the first record of the next segment
      words[HEAD_SEG] = length - BLOCK_HEADER;
      giveBackSegment(channel, segment);
      continue;
    }
    if (type === END) throw new Error("multiproc: a queue's log is corrupt (its count says an item is there, its log ends)");
    if (accept) {
      const first = type === SPILLED ? channel.arena.u8[payload(view.u32[w + 2]!)]! : view.u8[at - view.base + RECORD_HEADER]!;
      if (!accept(first)) return REFUSED;
    }
    let taken: Taken;
    if (type === SPILLED) {
      const spill = view.u32[w + 2]!;
      taken = { bytes: new Uint8Array(channel.arena.buffer, payload(spill), length), spill };
    } else {
      const from = at - view.base + RECORD_HEADER;
      const { u8 } = view;
      const bytes = (readScratch = grown(readScratch, length));
      if (length <= SMALL_COPY) for (let i = 0; i < length; i++) bytes[i] = u8[from + i]!;
      else bytes.set(u8.subarray(from, from + length));
      taken = { bytes: bytes.subarray(0, length), spill: 0 };
    }
    const gets = words[GETS]!;
    Atomics.store(words, GETS, (gets + 1) | 0); // the commit
    words[HEAD] = at + recordBytes(view.u32, w);
    channel.getsAfter = (gets + 1) | 0;
    channel.itemsKnown--;
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
    const content = channel.readBytes && bytesContent(taken.bytes);
    return content ? channel.readBytes!(content) : decode(taken.bytes);
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
 * Holding the put lock, taken over from a thread that died holding it:
 * makes TAIL and TAIL_SEG agree with PUTS again. The dead thread's put
 * either committed (its store of PUTS happened) or is invisible (its
 * record lies past TAIL, to be written over). The SEQ of the record at TAIL
 * tells which: PUTS's own if not committed (or nothing was written), one
 * less if committed, with TAIL not moved past it yet. A put that was
 * crossing to a new segment left it in NEXT_SEG, whose first record says the
 * same; the old segment is not read, since a get may have freed it since.
 * Sleeping getters are woken (they also look again every RECHECK_MS).
 */
export function repairTail(channel: Channel): void {
  fixTail(channel);
  channel.tail = NO_SEGMENT;
  channel.roomKnown = 0;
  repaired(channel, GET_SEQ, "put");
}

function fixTail(channel: Channel): void {
  const { words, arena } = channel;
  const u32 = new Uint32Array(arena.buffer);
  const seq = words[PUTS]! & SEQ_MASK;
  const committed = (seq - 1) & SEQ_MASK;
  const next = words[NEXT_SEG]! >>> 0;
  if (next !== 0) {
    const first = payload(next);
    const firstSeq = seqOf(u32[(first >>> 2) + 1]!);
    if (firstSeq === committed) {
      words[TAIL_SEG] = next;
      words[TAIL] = first + recordBytes(u32, first >>> 2);
    } else if (firstSeq === seq) giveBackSegment(channel, next); // nobody saw it
    else throw corrupt(`a new segment's first record has SEQ ${firstSeq} where ${seq} or ${committed} belongs`);
    words[NEXT_SEG] = 0;
  } else {
    const at = words[TAIL]! >>> 0;
    const atSeq = seqOf(u32[(at >>> 2) + 1]!);
    if (atSeq === committed) words[TAIL] = at + recordBytes(u32, at >>> 2);
    else if (atSeq !== seq) throw corrupt(`the record at its tail has SEQ ${atSeq} where ${seq} or ${committed} belongs`);
  }
}

/**
 * Holding the get lock, taken over from a thread that died holding it:
 * makes HEAD and HEAD_SEG agree with GETS again, as repairTail does for a
 * put. A get that died after crossing a JUMP (HEAD moved into the next
 * segment, HEAD_SEG not yet) is finished. At most the one item a dying getter
 * had taken is lost with it, and a segment or spill block it was about to
 * free may leak. Sleeping putters are woken.
 */
export function repairHead(channel: Channel): void {
  fixHead(channel);
  channel.head = NO_SEGMENT;
  channel.itemsKnown = 0;
  repaired(channel, FREE_SEQ, "get");
}

function fixHead(channel: Channel): void {
  const { words, arena } = channel;
  const u32 = new Uint32Array(arena.buffer);
  const segBytes = words[SEG_BYTES]!;
  const head = words[HEAD]! >>> 0;
  const segment = words[HEAD_SEG]! >>> 0;
  if (head < payload(segment) || head >= payload(segment) + segBytes) {
    giveBackSegment(channel, segment);
    words[HEAD_SEG] = head - BLOCK_HEADER;
  }
  const seq = words[GETS]! & SEQ_MASK;
  const committed = (seq - 1) & SEQ_MASK;
  const headSeq = seqOf(u32[(head >>> 2) + 1]!);
  if (headSeq === committed) words[HEAD] = head + recordBytes(u32, head >>> 2);
  else if (headSeq !== seq) throw corrupt(`the record at its head has SEQ ${headSeq} where ${seq} or ${committed} belongs`);
}

function corrupt(what: string): Error {
  return new Error(`multiproc: a queue's log is corrupt: ${what}`);
}

/** After a repair: the sleepers on the other end's sequence word look again (what the dead thread did may be for them), and a warning says what happened. */
function repaired(channel: Channel, seqWord: number, side: string): void {
  Atomics.add(channel.words, seqWord, 1);
  Atomics.notify(channel.words, seqWord);
  process.emitWarning(`A thread died inside a ${side} of a multiproc queue; another thread took its lock over and repaired the queue`, {
    code: "MULTIPROC_ABANDONED_LOCK",
  });
}

/** Wakes one sleeping getter if any registered (call after the unlock, with GETTERS read after the commit). */
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

/**
 * CLOSED is set holding the put lock, so every put either committed before
 * it or sees it: a get that reads CLOSED and then PUTS knows it has seen the
 * last item.
 */
function endChannel(channel: Channel, how: number, drop: boolean): void {
  const { words } = channel;
  let dropped = 0;
  lockTail(channel);
  try {
    if (words[CLOSED] !== SHUT_DOWN) Atomics.store(words, CLOSED, how);
    if (drop) {
      lockHead(channel);
      try {
        for (let taken = take(channel); taken; taken = take(channel)) {
          discardTaken(channel, taken);
          dropped++;
        }
      } finally {
        unlockHead(channel);
      }
    }
    Atomics.add(words, GET_SEQ, 1);
    Atomics.add(words, FREE_SEQ, 1);
  } finally {
    unlockTail(channel);
  }
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
  // A put or get that died half done and was never repaired: finish it first, so the segments below are the live ones.
  fixTail(channel);
  fixHead(channel);
  for (let taken = take(channel); taken; taken = take(channel)) discardTaken(channel, taken);
  releaseBlock(arena, words[HEAD_SEG]! >>> 0); // also the tail's: the log is empty
  if (words[SPARE]) releaseBlock(arena, words[SPARE]! >>> 0);
}

/** A segment for the tail: the spare one (a death after taking it leaks it, never shares it), or a new one. */
function takeSegment(channel: Channel): number {
  const spare = Atomics.exchange(channel.words, SPARE, 0) >>> 0;
  return spare !== 0 ? spare : channel.arena.allocate(KIND_BUFFER, channel.words[SEG_BYTES]!, false);
}

/** A drained segment back: kept as the spare if there is none, else freed. */
function giveBackSegment(channel: Channel, segment: number): void {
  if (Atomics.compareExchange(channel.words, SPARE, 0, segment) !== 0) releaseBlock(channel.arena, segment);
}

export { CLOSED, CLOSED_BY_CLOSE, DONE, FREE_SEQ, GET_SEQ, GETS, GETTERS, MAXSIZE, OPEN, PUTS, PUTTERS, SHUT_DOWN };
