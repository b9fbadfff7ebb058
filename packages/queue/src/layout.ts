import { KIND } from "@multiproc/core";

/**
 * A queue is a header block plus a chain of segment blocks in the same arena.
 *
 * Header payload (int32 words); every word is read and written holding MUTEX,
 * except the futex words that waiters sleep on:
 * ```
 *  0 MUTEX       core's futex mutex, held only to append or take one record
 *  1 ITEMS       items in the queue
 *  2 GET_SEQ     bumped by every put and by close(); getters sleep on it
 *  3 FREE_SEQ    bumped by every get and by close(); putters of a full queue sleep on it
 *  4 GETTERS     getters registered to sleep (a put notifies only if > 0)
 *  5 PUTTERS     putters registered to sleep
 *  6 CLOSED      OPEN; CLOSED_BY_CLOSE after close(), SHUT_DOWN after shutdown(): no more puts, anywhere
 *  7 MAXSIZE     > 0: the most items the queue holds; <= 0: unbounded
 *  8 UNFINISHED  JoinableQueue: items put and not yet marked done; join() sleeps on it
 *  9 HEAD_SEG    segment the next get reads from (block offset)
 * 10 HEAD_POS    byte position of the next record in it
 * 11 TAIL_SEG    segment the next put writes to
 * 12 TAIL_POS
 * 13 SPARE       one drained segment kept for reuse (0: none)
 * 14 SEG_BYTES   payload bytes of each segment
 * 15 JOINABLE    1 for a JoinableQueue: puts count in UNFINISHED
 * ```
 * Segment payload: word 0 NEXT (offset of the next segment, 0: none), then
 * records from byte 8. A record is an 8-byte header (LENGTH, FLAGS) and, for
 * an INLINE item, its encoded bytes padded to 8. A SPILLED item (larger than
 * a quarter segment) lives in a block of its own, filled before the queue is
 * locked; the record holds that block's offset. A JUMP record says the rest
 * of this segment is unused: go to NEXT. Records never straddle segments, so
 * the queue is unbounded but for memory, and an item of any size passes.
 */
export const MUTEX = 0;
export const ITEMS = 1;
export const GET_SEQ = 2;
export const FREE_SEQ = 3;
export const GETTERS = 4;
export const PUTTERS = 5;
export const CLOSED = 6;
/** Values of CLOSED: the two ends differ only in the error a put or a drained get reports. */
export const OPEN = 0;
export const CLOSED_BY_CLOSE = 1;
export const SHUT_DOWN = 2;
export const MAXSIZE = 7;
export const UNFINISHED = 8;
export const HEAD_SEG = 9;
export const HEAD_POS = 10;
export const TAIL_SEG = 11;
export const TAIL_POS = 12;
export const SPARE = 13;
export const SEG_BYTES = 14;
export const JOINABLE = 15;
export const HEADER_WORDS = 16;

export const SEGMENT_NEXT = 0;
export const RECORDS_START = 8;
export const RECORD_HEADER = 8;
export const INLINE = 0;
export const SPILLED = 1;
export const JUMP = 2;

export const DEFAULT_SEGMENT_BYTES = 64 * 1024;

/** Segments and spill blocks are internal buffers. */
export const KIND_BUFFER = KIND.Buffer;
