import { KIND } from "@multiproc/core/internal";

/**
 * A queue is a header block plus a chain of segment blocks in the same arena:
 * a log of records, kept crash-consistent so that a thread that dies inside a
 * put or a get (out of memory, terminated with its parent) leaves a queue
 * the next thread can repair (see `repairTail`, `repairHead`).
 *
 * Puts and gets have a lock each (a two-lock queue, Michael & Scott 1996):
 * a producer and a consumer on two cores never wait for each other. The
 * words are in five groups 32 words (128 bytes) apart, each under 16 words,
 * so no two groups share a 64-byte cache line whatever the block's
 * alignment: each end's private words (its lock and position) stay in its
 * own core's cache, and the words it publishes (its count, and the sequence
 * word the other end spins and sleeps on) move to the other core only when
 * the other end looks.
 * ```
 * shared, rarely written
 *   0 CLOSED      OPEN; CLOSED_BY_CLOSE after close(), SHUT_DOWN after shutdown(): no more puts (set holding TAIL_LOCK)
 *   1 MAXSIZE     > 0: the most items the queue holds; <= 0: unbounded
 *   2 SEG_BYTES   payload bytes of each segment
 *   3 GETTERS     getters registered to sleep (a put notifies only if > 0)
 *   4 PUTTERS     putters registered to sleep
 *   5 SPARE       one drained segment kept for reuse (0: none); taken and given back with atomic exchanges
 * the put end's own, read and written holding TAIL_LOCK
 *  32 TAIL_LOCK   core's robust futex mutex
 *  33 TAIL        arena offset of the END record, where the next put goes
 *  34 TAIL_SEG    segment (block offset) holding TAIL
 *  35 NEXT_SEG    the segment a put is moving the tail to, until it is done (0: none)
 * what the put end publishes
 *  64 PUTS        items ever put (mod 2^32): THE commit word of a put
 *  65 GET_SEQ     bumped by every put and by close(); getters spin and sleep on it
 * the get end's own, read and written holding HEAD_LOCK
 *  96 HEAD_LOCK   core's robust futex mutex
 *  97 HEAD        arena offset of the oldest record
 *  98 HEAD_SEG    segment holding HEAD
 * what the get end publishes
 * 128 GETS        items ever taken (mod 2^32): THE commit word of a get
 * 129 FREE_SEQ    bumped by every get and by close(); putters of a full queue spin and sleep on it
 * 160 DONE        JoinableQueue: items marked done (taskDone, or dropped by shutdown); join() sleeps on it
 * ```
 * Items in the queue: PUTS - GETS. A consumer learns that the record at HEAD
 * is there from PUTS, a producer that there is room from GETS; each keeps
 * the last value it read of the other side's count and reads it again only
 * when that one says empty (or full), so a busy queue reads the other side's
 * line about once per batch, not once per item.
 *
 * Records are 8-aligned, with an 8-byte header: LENGTH, then TAG = SEQ << 2 | TYPE,
 * SEQ being the number of items put before this record (mod 2^30):
 * ```
 * INLINE   LENGTH bytes of encoded item follow, padded to 8
 * SPILLED  the encoded item (LENGTH bytes) is in a block of its own, whose offset follows (8 bytes)
 * JUMP     LENGTH is the arena offset of the next record, the first of the next segment; SEQ is that record's
 * END      where the next put goes; SEQ is the next item's
 * ```
 * A segment's last 8 bytes are kept for a JUMP (or the END). A put writes
 * its record and a new END after it (or, at the end of a segment, its record
 * first in a new one and a JUMP to it where the END was), then commits with
 * one store of PUTS; TAIL and TAIL_SEG follow. A get reads the record at
 * HEAD (crossing a JUMP first if there is one) and commits with one store of
 * GETS; HEAD follows. The SEQ in every record is what lets a repair tell
 * whether a dead thread's put or get was committed (see channel.ts).
 */
export const CLOSED = 0;
export const MAXSIZE = 1;
export const SEG_BYTES = 2;
export const GETTERS = 3;
export const PUTTERS = 4;
export const SPARE = 5;
export const TAIL_LOCK = 32;
export const TAIL = 33;
export const TAIL_SEG = 34;
export const NEXT_SEG = 35;
export const PUTS = 64;
export const GET_SEQ = 65;
export const HEAD_LOCK = 96;
export const HEAD = 97;
export const HEAD_SEG = 98;
export const GETS = 128;
export const FREE_SEQ = 129;
export const DONE = 160;
export const HEADER_WORDS = 168;

/** Values of CLOSED: the two ends differ only in the error a put or a drained get reports. */
export const OPEN = 0;
export const CLOSED_BY_CLOSE = 1;
export const SHUT_DOWN = 2;

export const RECORD_HEADER = 8;
export const INLINE = 0;
export const SPILLED = 1;
export const JUMP = 2;
export const END = 3;
/** SEQ of a record tag: 30 bits (an arena of at most 4 GiB holds fewer records than that). */
export const SEQ_MASK = 0x3fff_ffff;

export const DEFAULT_SEGMENT_BYTES = 64 * 1024;

/** How often a waiter wakes to try again, besides when notified: a put or get that died between its commit and its notify wakes nobody. */
export const RECHECK_MS = 200;

/** Segments and spill blocks are internal buffers. */
export const KIND_BUFFER = KIND.Buffer;
