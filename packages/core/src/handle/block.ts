import type { Arena } from "../memory/arena.js";
import { BLOCK_HEADER_BYTES } from "../memory/layout.js";

/**
 * One allocation in an arena, as seen by the instance that owns a reference to
 * it. The payload starts 16-byte aligned, so any typed array fits on it.
 */
export class Block {
  /** @hidden The arena that holds the block: for multiproc's own packages (`@multiproc/core/internal`). */
  readonly arena: Arena;
  /** Byte offset of the block header; the handle of the block. */
  readonly offset: number;

  /** @internal Blocks come from `allocateBlock` and revived handles. */
  constructor(arena: Arena, offset: number) {
    this.arena = arena;
    this.offset = offset;
  }

  /** The kind id the block was allocated with (`defineKind`'s `kind`). */
  get kind(): number {
    return this.arena.kindOf(this.offset);
  }

  /** Byte offset of the payload in the arena buffer. */
  get payloadOffset(): number {
    return this.offset + BLOCK_HEADER_BYTES;
  }

  /** Usable bytes of the payload (at least what was asked of `allocateBlock`). */
  get payloadBytes(): number {
    return this.arena.payloadBytes(this.offset);
  }

  /** `length` 32-bit words of the payload from word `index`. */
  int32(index = 0, length = (this.payloadBytes >>> 2) - index): Int32Array {
    this.#check(index * 4, length * 4);
    return new Int32Array(this.arena.buffer, this.payloadOffset + index * 4, length);
  }

  /** `length` bytes of the payload from byte `start`. */
  bytes(start = 0, length = this.payloadBytes - start): Uint8Array {
    this.#check(start, length);
    return new Uint8Array(this.arena.buffer, this.payloadOffset + start, length);
  }

  #check(start: number, length: number): void {
    if (start < 0 || length < 0 || start + length > this.payloadBytes) {
      throw new RangeError(`Block view [${start}, ${start + length}) is outside its ${this.payloadBytes} payload bytes`);
    }
  }
}
