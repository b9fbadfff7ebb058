import { KIND, ValueError, waitAsync, waitSync, type Attempt, type WaitOptions } from "@multiproc/core";
import { lock, unlock, UNFINISHED } from "./channel.js";
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
  static readonly joinable = true;
  readonly #idle: Attempt = () => {
    const unfinished = Atomics.load(this.channel.words, UNFINISHED);
    return unfinished === 0 ? true : unfinished;
  };

  constructor(options?: QueueOptions) {
    super(options);
  }

  /** Marks one item as processed. ValueError if called more times than items were put. */
  taskDone(): void {
    const channel = this.channel;
    lock(channel);
    const unfinished = channel.words[UNFINISHED]!;
    if (unfinished <= 0) {
      unlock(channel);
      throw new ValueError("taskDone() was called more times than items were put");
    }
    Atomics.store(channel.words, UNFINISHED, unfinished - 1);
    unlock(channel);
    if (unfinished === 1) Atomics.notify(channel.words, UNFINISHED);
  }

  /** Resolves true once every item put has been marked done, false when `timeout` passed first. */
  join(options?: WaitOptions | number): Promise<boolean> {
    return waitAsync(this.channel.words, UNFINISHED, this.#idle, options);
  }

  joinSync(options?: WaitOptions | number): boolean {
    return waitSync(this.channel.words, UNFINISHED, this.#idle, options);
  }

  /** `<JoinableQueue at 0x1f40 size=2 unfinished=3>`. */
  override toString(): string {
    return describeQueue("JoinableQueue", this.channel, `${this.maxsize > 0 ? ` maxsize=${this.maxsize}` : ""} unfinished=${Atomics.load(this.channel.words, UNFINISHED)}`);
  }
}
