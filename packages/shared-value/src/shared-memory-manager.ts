import { describe, ValueError } from "@multiproc/core/internal";
import { ShareableList, type ShareableItem } from "./shareable-list.js";
import { SharedMemory } from "./shared-memory.js";

/**
 * Python's `multiprocessing.managers.SharedMemoryManager`: makes
 * SharedMemory blocks and ShareableLists and lets go of all of them at
 * `shutdown()` (or at the end of a `using` block), so a program that makes
 * many need not close each one. As with Python's unlink, a copy another
 * thread still holds keeps its memory until that thread lets go of it;
 * nothing is freed under a reader. There is no manager process to start:
 * multiproc's shared memory needs no server.
 *
 * @example
 * ```ts
 * using smm = new SharedMemoryManager();
 * const sl = smm.shareableList([0, 0, 0]);
 * const mem = smm.sharedMemory(128);
 * // pass sl and mem to Processes or Pool tasks; both are closed when the block ends
 * ```
 */
export class SharedMemoryManager {
  readonly #made = new Set<SharedMemory | ShareableList>();
  #shutdown = false;

  /** Python's `smm.SharedMemory(size)`: a new block of `size` bytes, closed at shutdown. */
  sharedMemory(size: number): SharedMemory {
    this.#checkOpen();
    if (typeof size !== "number") throw new TypeError(`Expected \`size\` to be a number of bytes, got ${describe(size)}`);
    return this.#keep(new SharedMemory({ size }));
  }

  /** Python's `smm.ShareableList(sequence)`: a new list of these items, closed at shutdown. */
  shareableList(sequence: Iterable<ShareableItem> = []): ShareableList {
    this.#checkOpen();
    return this.#keep(new ShareableList(sequence));
  }

  /** The blocks and lists made and not closed yet. */
  get size(): number {
    for (const made of this.#made) if (made.closed) this.#made.delete(made);
    return this.#made.size;
  }

  /** Whether `shutdown()` was called. */
  get isShutdown(): boolean {
    return this.#shutdown;
  }

  /** Closes everything this manager made (idempotent); making more throws ValueError afterwards. */
  shutdown(): void {
    this.#shutdown = true;
    for (const made of this.#made) made.close();
    this.#made.clear();
  }

  /** `using smm = new SharedMemoryManager()`: shutdown() on leaving the block, as Python's `with SharedMemoryManager() as smm`. */
  [Symbol.dispose](): void {
    this.shutdown();
  }

  #keep<T extends SharedMemory | ShareableList>(made: T): T {
    this.#made.add(made);
    return made;
  }

  #checkOpen(): void {
    if (this.#shutdown) throw new ValueError("This SharedMemoryManager was shut down: make a new one");
  }
}
