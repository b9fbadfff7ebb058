/** One chunk's outcome of an imap, in its turn: its results, or the error it failed with. */
export type Outcome<R> =
  | {
      /** The chunk's results, in input order. */
      readonly values: readonly R[];
    }
  | {
      /** What the chunk's task failed with. */
      readonly error: unknown;
    };

/**
 * An iterator dropped unfinished (a `for await` loop a task's error ended,
 * which calls no `return()`) is stopped when it is collected, as if it had
 * been returned: its queued tasks are dropped, its input is closed, its
 * signal listener goes.
 */
const abandoned = new FinalizationRegistry<AsyncGenerator<unknown, void, undefined>>((outcomes) => {
  outcomes.return().catch(() => {}); // (an input whose return() throws: nobody is left to tell)
});

/**
 * What `imap` and `imapUnordered` return, as Python's IMapIterator: each
 * `next()` gives the next result, and a task that failed rejects its own
 * `next()` only: the call after it goes on with the results after that
 * task, as in Python, so a loop that catches and continues loses nothing.
 * (An async generator would end at the first error, dropping the rest.)
 *
 * `break`, `return()` and `await using` stop it: queued tasks are dropped
 * and the input is closed. A `for await` loop that a task's error ends does
 * not call `return()`, as for any iterator whose `next()` rejected: nothing
 * more of the input is read, and the iterator stops once garbage-collected.
 * An error reading the input, an unsendable item or an aborted signal ends
 * the iteration (after the results before it).
 */
export class IMapIterator<R> implements AsyncIterableIterator<R> {
  readonly #outcomes: AsyncGenerator<Outcome<R>, void, undefined>;
  /** The results of the chunk being read, and where. */
  #chunk: readonly R[] = [];
  #at = 0;
  /** Settles when the last next() call is done. */
  #turn: Promise<void> = Promise.resolve();

  /**
   * Made by `imap` and `imapUnordered` (this package's Pool,
   * `@multiproc/cluster`'s ClusterPool) from an async generator of the
   * outcomes in their turn, whose `finally` stops the work.
   */
  constructor(outcomes: AsyncGenerator<Outcome<R>, void, undefined>) {
    if (typeof (outcomes as Partial<AsyncGenerator>)?.next !== "function" || typeof (outcomes as Partial<AsyncGenerator>).return !== "function") {
      throw new TypeError("An IMapIterator is made from an async generator of outcomes ({ values } or { error })");
    }
    this.#outcomes = outcomes;
    abandoned.register(this, outcomes, this);
  }

  /** The next result; rejects with the error of a task that failed in its place (the call after goes on). */
  next(): Promise<IteratorResult<R, undefined>> {
    // One step at a time: two calls at once must not both take a chunk.
    const step = this.#turn.then(() => this.#step());
    this.#turn = step.then(
      () => {},
      () => {},
    );
    return step;
  }

  async #step(): Promise<IteratorResult<R, undefined>> {
    while (this.#at >= this.#chunk.length) {
      const step = await this.#outcomes.next();
      if (step.done) return { done: true, value: undefined };
      if ("error" in step.value) throw step.value.error;
      this.#chunk = step.value.values;
      this.#at = 0;
    }
    return { done: false, value: this.#chunk[this.#at++]! };
  }

  /** Stops: queued tasks are dropped, running ones finish, the input is closed. */
  async return(value?: unknown): Promise<IteratorResult<R, undefined>> {
    abandoned.unregister(this);
    this.#chunk = [];
    await this.#outcomes.return();
    return { done: true, value: value as undefined };
  }

  /** Stops as `return()` does, then throws `error` (as a generator left at a `yield` would). */
  async throw(error?: unknown): Promise<IteratorResult<R, undefined>> {
    abandoned.unregister(this);
    this.#chunk = [];
    await this.#outcomes.return();
    throw error;
  }

  /** Itself: `for await (const r of pool.imap(...))`. */
  [Symbol.asyncIterator](): this {
    return this;
  }

  /** `return()`, for `await using`. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.return();
  }
}
