import { checkOptionNames, claimBlock, describe, KIND, SHAREABLE, unbindBlock, ValueError, type Block, type Shareable } from "@multiproc/core/internal";

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
  readonly #size: number;
  /** Undefined once closed: the view must not outlive this instance's reference. */
  #buf: Uint8Array | undefined;

  constructor(options: { size: number }) {
    if (typeof options !== "object" || options === null) throw new TypeError(`Expected options like { size }, got ${describe(options)}`);
    checkOptionNames(options, "SharedMemory options", ["size"]);
    const { size } = options;
    if (typeof size !== "number") throw new TypeError(`Expected \`size\` to be a number of bytes, got ${describe(size)}`);
    if (!Number.isInteger(size) || size <= 0) throw new ValueError(`Expected \`size\` to be a positive integer, got ${size}`);
    const { block, revived } = claimBlock(this, KIND.SharedMemory, DATA_BYTE + size);
    this.#block = block;
    const header = block.int32(0, 1);
    if (!revived) header[SIZE] = size;
    this.#size = header[SIZE]! >>> 0;
    this.#buf = new Uint8Array(block.arena.buffer, block.payloadOffset + DATA_BYTE, this.#size);
  }

  /** The bytes, a Uint8Array over the shared memory; ValueError after close(). */
  get buf(): Uint8Array {
    if (!this.#buf) throw new ValueError("This SharedMemory is closed: its buf is gone");
    return this.#buf;
  }

  /** The size in bytes, as requested at construction. */
  get size(): number {
    return this.#size;
  }

  /** Whether `close()` was called on this instance (other instances in other threads may still use the memory). */
  get closed(): boolean {
    return this.#buf === undefined;
  }

  /**
   * Python's `close()`: this instance lets go of the memory now (the last
   * instance anywhere frees it), instead of when it is garbage-collected.
   * Views taken from `buf` before must not be used afterwards: the memory
   * may already belong to something else.
   */
  close(): void {
    if (!this.#buf) return;
    this.#buf = undefined;
    unbindBlock(this);
  }

  /** `using mem = new SharedMemory(…)`: close() on leaving the block. */
  [Symbol.dispose](): void {
    this.close();
  }

  /** The shareable protocol: the block a copy of this object in another thread is revived from. */
  [SHAREABLE](): Block {
    if (!this.#buf) throw new ValueError("Cannot send a closed SharedMemory: this instance let go of its memory");
    return this.#block;
  }

  toString(): string {
    return `<SharedMemory at 0x${this.#block.offset.toString(16)} size=${this.#size}${this.#buf ? "" : " closed"}>`;
  }

  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return this.toString();
  }
}
