/**
 * Layout of a shared arena: one growable SharedArrayBuffer per process tree
 * from which every primitive allocates its control words and buffers.
 *
 * ```
 * byte 0            256                                                  byteLength   maxByteLength
 * +-----------------+--------+----------------+--------+-----------------+ - - - - - - +
 * | arena header    | block  | block          | block  | free space      |  reserve    |
 * +-----------------+--------+----------------+--------+-----------------+ - - - - - - +
 *                   ^ BUMP grows to the right; freed blocks go on free lists and are reused
 *
 * arena header (32-bit words)           block (16-byte header, payload 16-aligned)
 *  0 MAGIC "MPA1"                        +0  kind (bits 0-15) | size class (bits 16-23); kind 0 = free
 *  1 ARENA_ID (random, per arena)        +4  REFCOUNT: live instances + handles in flight
 *  2 MUTEX (allocator lock, futex)       +8  SIZE: whole block in bytes
 *  3 BUMP: first never-used byte         +12 NEXT: next free block (only while free)
 *  4 LIVE: blocks allocated now          +16 payload ...
 *  5 FREE_LARGE: list of freed large blocks
 *  6 THREADS: directory of the thread liveness table (thread/liveness.ts)
 *  7 MAX_TID: the highest threadId registered there
 *  8.. FREE_SMALL + c - MIN_CLASS: list of freed blocks of size 2^c
 * ```
 * Offsets are byte offsets stored as uint32; 0 means "none" (the header owns byte 0).
 */
export const ARENA_MAGIC = 0x3141_504d; // "MPA1" little-endian
export const ARENA_HEADER_BYTES = 256;
export const ARENA_INITIAL_BYTES = 256 * 1024;
/** Offsets must fit in uint32, so stop one large-block granule short of 4 GiB. */
export const ARENA_MAX_BYTES = 2 ** 32 - 64 * 1024;

export const H_MAGIC = 0;
export const H_ARENA_ID = 1;
export const H_MUTEX = 2;
export const H_BUMP = 3;
export const H_LIVE = 4;
export const H_FREE_LARGE = 5;
export const H_THREADS = 6;
export const H_MAX_TID = 7;
export const H_FREE_SMALL = 8;

export const BLOCK_HEADER_BYTES = 16;
export const B_KIND_CLASS = 0;
export const B_REFCOUNT = 1;
export const B_SIZE = 2;
export const B_NEXT = 3;

/** Small blocks are powers of two from 2^MIN_CLASS to 2^MAX_SMALL_CLASS bytes. */
export const MIN_CLASS = 5;
export const MAX_SMALL_CLASS = 20;
/** Large blocks are multiples of this, reused first-fit within 2x of the request. */
export const LARGE_GRANULE = 64 * 1024;
export const LARGE_CLASS = 0xff;
