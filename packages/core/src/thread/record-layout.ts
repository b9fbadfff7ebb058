import { BLOCK_HEADER_BYTES } from "../memory/layout.js";

/**
 * Word indices of a thread record's payload (records.ts has the diagram),
 * apart so that the ledger can name its word without importing the records.
 */
export const THREAD_ID = 1;
export const NAME_LENGTH = 4;
export const LEDGER = 3;
export const NAME_BYTE = 20;
export const NAME_MAX_BYTES = 108;
export const IN_CRITICAL = 32;
export const STOP = 33;
export const RECORD_WORDS = 64;

/** Index, in an arena's i32 view, of the first payload word of the block at `offset`. */
export function payloadIndex(offset: number): number {
  return (offset + BLOCK_HEADER_BYTES) >>> 2;
}
