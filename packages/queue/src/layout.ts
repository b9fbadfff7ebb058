import { KIND } from "@multiproc/core/internal";

/**
 * A queue is a header block plus a chain of segment blocks in the same arena:
 * a log of records, kept crash-consistent so that a thread that dies inside a
 * put or a get (out of memory, terminated with its parent) leaves a queue
 * the next thread can repair (see `repairChannel`).
 *
 * Header payload (int32 words); every word is read and written holding MUTEX,
 * except the futex words that waiters sleep on and DONE:
 * ```
 *  0 MUTEX       core's robust futex mutex, held only to append or take one record
 *  1 ITEMS       items in the queue                           (derived: counted from the log on repair)
 *  2 GET_SEQ     bumped by every put and by close(); getters sleep on it
 *  3 FREE_SEQ    bumped by every get and by close(); putters of a full queue sleep on it
 *  4 GETTERS     getters registered to sleep (a put notifies only if > 0)
 *  5 PUTTERS     putters registered to sleep
 *  6 CLOSED      OPEN; CLOSED_BY_CLOSE after close(), SHUT_DOWN after shutdown(): no more puts, anywhere
 *  7 MAXSIZE     > 0: the most items the queue holds; <= 0: unbounded
 *  8 PUTS        items ever put (mod 2^32)                    (derived: fixed up on repair)
 *  9 HEAD        arena offset of the oldest record: THE commit word of a get
 * 10 TAIL        arena offset of the END record, where the next put goes (derived: found on repair)
 * 11 DONE        JoinableQueue: items marked done (taskDone, or dropped by shutdown); join() sleeps on it
 * 12 HEAD_SEG    segment (block offset) holding HEAD          (derived: fixed up on repair)
 * 13 SPARE       one drained segment kept for reuse (0: none)
 * 14 SEG_BYTES   payload bytes of each segment
 * 15 TAIL_SEG    segment holding TAIL                         (derived: found on repair)
 * ```
 * Records are 8-aligned, with an 8-byte header (LENGTH, FLAGS):
 * ```
 * INLINE   LENGTH bytes of encoded item follow, padded to 8
 * SPILLED  the encoded item (LENGTH bytes) is in a block of its own, whose offset follows (8 bytes)
 * JUMP     LENGTH is the arena offset of the next record, the first of the next segment
 * END      the end of the log: the next put writes here
 * ```
 * A segment's last 8 bytes are kept for a JUMP, so a log always ends in an
 * END. A put writes its record and a new END after it, then turns the old
 * END into its record (or into a JUMP to a new segment holding it) with
 * one store of FLAGS: the commit. A get commits with one store of HEAD.
 * Everything else (ITEMS, PUTS, TAIL, the segment words) is derived and is
 * updated after the commit.
 */
export const MUTEX = 0;
export const ITEMS = 1;
export const GET_SEQ = 2;
export const FREE_SEQ = 3;
export const GETTERS = 4;
export const PUTTERS = 5;
export const CLOSED = 6;
export const MAXSIZE = 7;
export const PUTS = 8;
export const HEAD = 9;
export const TAIL = 10;
export const DONE = 11;
export const HEAD_SEG = 12;
export const SPARE = 13;
export const SEG_BYTES = 14;
export const TAIL_SEG = 15;
export const HEADER_WORDS = 16;

/** Values of CLOSED: the two ends differ only in the error a put or a drained get reports. */
export const OPEN = 0;
export const CLOSED_BY_CLOSE = 1;
export const SHUT_DOWN = 2;

export const RECORD_HEADER = 8;
export const INLINE = 0;
export const SPILLED = 1;
export const JUMP = 2;
export const END = 3;

export const DEFAULT_SEGMENT_BYTES = 64 * 1024;

/** How often a waiter wakes to try again, besides when notified: a put or get that died between its commit and its notify wakes nobody. */
export const RECHECK_MS = 200;

/** Segments and spill blocks are internal buffers. */
export const KIND_BUFFER = KIND.Buffer;
