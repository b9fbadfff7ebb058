import { unbindBlock } from "@multiproc/core/internal";
import { itemsIn, NO_SEGMENT, type Channel } from "./channel.js";
import { CLOSED, DONE, HEADER_WORDS, MAXSIZE, PUTS, SEG_BYTES } from "./layout.js";

/**
 * A queue that is closed (or shut down) and empty is spent, in every thread
 * and for good: no put can append to it and no get can find anything (and a
 * JoinableQueue's items are all done). An instance that finds its queue
 * spent has no more use for the shared memory, so it lets go of its
 * reference at once, instead of when it is garbage-collected: a program that
 * makes, uses and closes many queues (or pipes) does not fill the arena.
 * The last reference frees the header, the segments and any spill blocks.
 *
 * The instance goes on over a private copy of the header in that final state,
 * so every method answers as it would on the spent queue (QueueClosedError
 * or ShutDown, qsize 0, join() at once) without touching freed memory. An
 * instance with async waits in progress keeps its memory until the last of
 * them is over (they hold views of it).
 */
export function settleChannel(owner: object, channel: Channel, joinable: boolean): Channel {
  if (channel.spent || channel.waiting > 0 || !isSpent(channel.words, joinable)) return channel;
  const copy = spentCopy(channel);
  unbindBlock(owner);
  return copy;
}

function isSpent(words: Int32Array, joinable: boolean): boolean {
  // CLOSED never goes back to OPEN, and puts append only while it is OPEN
  // (checked under the put lock), so a count of 0 read after CLOSED stays 0.
  if (Atomics.load(words, CLOSED) === 0 || itemsIn(words) !== 0) return false;
  return !joinable || Atomics.load(words, PUTS) === Atomics.load(words, DONE);
}

function spentCopy(channel: Channel): Channel {
  const words = new Int32Array(new SharedArrayBuffer(HEADER_WORDS * 4));
  for (const word of [CLOSED, MAXSIZE, SEG_BYTES]) words[word] = Atomics.load(channel.words, word);
  return {
    block: channel.block, // only its offset is read again (the address in toString)
    arena: channel.arena,
    words,
    tail: NO_SEGMENT,
    head: NO_SEGMENT,
    itemsKnown: 0,
    getsAfter: 0,
    roomKnown: 0,
    putsAfter: 0,
    putBatching: channel.putBatching,
    getBatching: channel.getBatching,
    spilled: 0,
    readBytes: channel.readBytes,
    allocate: (length) => new Uint8Array(length), // a put encodes before it finds the queue closed
    repairTail: () => {},
    repairHead: () => {},
    waiting: 0,
    settle: () => {},
    spent: true,
  };
}
