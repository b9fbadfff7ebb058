import { KIND, ValueError } from "@multiproc/core/internal";
import { BOUND } from "./layout.js";
import { Semaphore } from "./semaphore.js";

/**
 * A Semaphore whose count may never exceed its initial value, as Python's
 * `multiprocessing.BoundedSemaphore`: releasing more than was acquired is a
 * bug, reported as ValueError.
 *
 * @example
 * ```ts
 * const pool = new BoundedSemaphore(2);
 * pool.release(); // ValueError: nothing was acquired
 * ```
 */
export class BoundedSemaphore extends Semaphore {
  protected static override readonly kindId: number = KIND.BoundedSemaphore;

  /** `<BoundedSemaphore(value=1, maxvalue=2)>`, as Python's repr. */
  override toString(): string {
    return `<BoundedSemaphore(value=${this.getValue()}, maxvalue=${this.words[BOUND]})>`;
  }

  protected override checkRelease(value: number, n: number): void {
    const bound = this.words[BOUND]!;
    if (value + n > bound) {
      throw new ValueError(`Cannot release ${n}: the BoundedSemaphore would hold ${value + n}, above its initial value ${bound}`);
    }
  }
}
