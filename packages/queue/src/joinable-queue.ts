import { KIND, ValueError, waitAsync, waitSync, type Attempt, type WaitOptions } from "@multiproc/core/internal";
import { DONE, PUTS, unfinished } from "./channel.js";
import { RECHECK_MS } from "./layout.js";
import { whileWaiting } from "./operations.js";
import { describeQueue, Queue, type QueueOptions } from "./queue.js";

/**
 * A Queue that also counts unfinished work, as Python's `JoinableQueue`:
 * every put adds one, every `taskDone()` takes one away, and `join()` waits
 * until the count is back to zero.
 *
 * @example
 * ```ts
 * const jobs = new JoinableQueue<string>();
 * // consumers: const job = await jobs.get(); ...; jobs.taskDone();
 * await jobs.join(); // every job put so far has been marked done
 * ```
 */
export class JoinableQueue<T = unknown> extends Queue<T> {
  protected static override readonly kindId: number = KIND.JoinableQueue;
  /** Done when nothing put is unfinished; else sleep on DONE, which every taskDone() changes. */
  readonly #idle: Attempt = () => {
    const { words } = this.channel;
    const done = Atomics.load(words, DONE);
    return ((Atomics.load(words, PUTS) - done) | 0) <= 0 ? true : done;
  };

  constructor(options?: QueueOptions) {
    super(options);
  }

  /**
   * Marks one item as processed. ValueError if called more times than items
   * were put. (Lock-free: the count of puts only grows, and an item can be
   * taken only after its put was counted.)
   */
  taskDone(): void {
    const { words } = this.channel;
    for (;;) {
      const done = Atomics.load(words, DONE);
      const left = (Atomics.load(words, PUTS) - done) | 0;
      if (left <= 0) throw new ValueError("taskDone() was called more times than items were put");
      if (Atomics.compareExchange(words, DONE, done, (done + 1) | 0) !== done) continue;
      if (left === 1) {
        Atomics.notify(words, DONE);
        this.channel.settle(); // closed and empty too? then spent
      }
      return;
    }
  }

  /** Resolves true once every item put has been marked done, false when `timeout` passed first. */
  join(options?: WaitOptions | number): Promise<boolean> {
    return whileWaiting(this.channel, waitAsync(this.channel.words, DONE, this.#idle, options, RECHECK_MS));
  }

  /** `join()` that blocks this thread. */
  joinSync(options?: WaitOptions | number): boolean {
    return waitSync(this.channel.words, DONE, this.#idle, options, RECHECK_MS);
  }

  /** `<JoinableQueue at 0x1f40 size=2 unfinished=3>`. */
  override toString(): string {
    return describeQueue("JoinableQueue", this.channel, `${this.maxsize > 0 ? ` maxsize=${this.maxsize}` : ""} unfinished=${unfinished(this.channel.words)}`);
  }
}
