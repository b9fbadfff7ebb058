import { deadlineOf, remaining, TimeoutError, ValueError } from "@multiproc/core";

type Outcome<T> = { ok: true; value: T } | { ok: false; error: unknown };

/**
 * The result of `applyAsync`, `mapAsync` or `starmapAsync`, as Python's
 * AsyncResult: poll it with `ready()`, or wait with `get(timeout)`.
 */
export class AsyncResult<T> {
  #outcome: Outcome<T> | undefined;
  readonly #done: Promise<void>;

  /** @internal */
  constructor(promise: Promise<T>, callback?: (value: T) => void, errorCallback?: (error: unknown) => void) {
    this.#done = promise.then(
      (value) => {
        this.#outcome = { ok: true, value };
        callback?.(value);
      },
      (error: unknown) => {
        this.#outcome = { ok: false, error };
        errorCallback?.(error);
      },
    );
  }

  /** Whether the task has finished (either way). */
  ready(): boolean {
    return this.#outcome !== undefined;
  }

  /** Whether it finished without an error; ValueError while it is not ready. */
  successful(): boolean {
    if (!this.#outcome) throw new ValueError("The result is not ready: call successful() after ready() is true");
    return this.#outcome.ok;
  }

  /** Resolves when the task has finished or `timeout` ms have passed; never rejects. */
  async wait(timeout?: number): Promise<void> {
    const deadline = deadlineOf(timeout);
    if (this.#outcome || deadline === Infinity) return this.#done;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([this.#done, new Promise<void>((resolve) => (timer = setTimeout(resolve, remaining(deadline))))]);
    clearTimeout(timer);
  }

  /** The result; rethrows the task's error; TimeoutError if it is not ready within `timeout` ms. */
  async get(timeout?: number): Promise<T> {
    await this.wait(timeout);
    const outcome = this.#outcome;
    if (!outcome) throw new TimeoutError(`The result was not ready within ${timeout} ms`);
    if (!outcome.ok) throw outcome.error;
    return outcome.value;
  }
}
