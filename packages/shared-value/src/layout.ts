/**
 * Payload of a SharedValue or SharedArray block:
 *
 * ```
 * word 0-1  LOCK_REF   its lock (arena id, offset), a counted reference; 0 0 when created with lock: false
 * word 2    LOCK_KIND  KIND.Lock or KIND.RLock; 0 without a lock
 * word 3    TYPE_ID    the typecode (typecodes.ts)
 * word 4    LENGTH     elements (1 for a SharedValue)
 * byte 32   data, LENGTH elements, 8-aligned so every typed array fits
 * ```
 * A SharedMemory block is its bytes alone, with no header.
 */
export const LOCK_REF = 0;
export const LOCK_KIND = 2;
export const TYPE_ID = 3;
export const LENGTH = 4;
export const HEADER_WORDS = 8;
export const DATA_BYTE = HEADER_WORDS * 4;
