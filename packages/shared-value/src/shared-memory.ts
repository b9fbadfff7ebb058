import { claimBlock, describe, KIND, SHAREABLE, ValueError, type Block, type Shareable } from "@multiproc/core";

/** Payload: word 0 SIZE, bytes from byte 16 (16-aligned). */
const SIZE = 0;
const DATA_BYTE = 16;

/**
 * A block of raw shared bytes, as Python's `multiprocessing.shared_memory.SharedMemory`.
 * Pass the object itself to other threads (there are no names to attach by);
 * the memory lives while any thread holds it.
 *
 * @example
 * ```ts
 * const mem = new SharedMemory({ size: 1024 });
 * mem.buf.set(new TextEncoder().encode("hello"));
 * ```
 */
export class SharedMemory implements Shareable {
  readonly #block: Block;
  /** The bytes, a Uint8Array over the shared memory. */
  readonly buf: Uint8Array;

  constructor(options: { size: number }) {
    if (typeof options !== "object" || options === null) throw new TypeError(`Expected options like { size }, got ${describe(options)}`);
    const { size } = options;
    if (typeof size !== "number") throw new TypeError(`Expected \`size\` to be a number of bytes, got ${describe(size)}`);
    if (!Number.isInteger(size) || size <= 0) throw new ValueError(`Expected \`size\` to be a positive integer, got ${size}`);
    const { block, revived } = claimBlock(this, KIND.SharedMemory, DATA_BYTE + size);
    this.#block = block;
    const header = block.int32(0, 1);
    if (!revived) header[SIZE] = size;
    this.buf = new Uint8Array(block.arena.buffer, block.payloadOffset + DATA_BYTE, header[SIZE]! >>> 0);
  }

  get size(): number {
    return this.buf.byteLength;
  }

  [SHAREABLE](): Block {
    return this.#block;
  }
}
