import { describe, TimeoutError, timeoutOf, ValueError, waitForPromise, type WaitOptions } from "@multiproc/core/internal";
import { reportCallbackError } from "./callback-error.js";

type Outcome<T> = { ok: true; value: T } | { ok: false; error: unknown };

let created = 0;

/**
 * The result of `applyAsync`, `mapAsync` or `starmapAsync`, as Python's
 * AsyncResult: poll it with `ready()`, or wait with `get(timeout)`.
 */
export class AsyncResult<T> {
  #outcome: Outcome<T> | undefined;
  readonly #done: Promise<void>;
  readonly #id = ++created;

  /**
   * Made by a pool's `applyAsync`, `mapAsync` and `starmapAsync` (this
   * package's Pool, `@multiproc/cluster`'s ClusterPool) from the Promise of
   * the outcome; the callbacks run once it settles (what they throw is
   * reported, never lost).
   */
  constructor(promise: Promise<T>, callback?: (value: T) => void, errorCallback?: (error: unknown) => void) {
    if (!(promise instanceof Promise)) throw new TypeError(`An AsyncResult is made from a Promise of the outcome, got ${describe(promise)}`);
    this.#done = promise.then(
      (value) => {
        this.#outcome = { ok: true, value };
        if (callback) this.#call(() => callback(value));
      },
      (error: unknown) => {
        this.#outcome = { ok: false, error };
        if (errorCallback) this.#call(() => errorCallback(error));
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

  /**
   * Resolves when the task has finished or the timeout (ms, or
   * `{ timeout, signal }`) has passed; never rejects but for an abort.
   */
  async wait(options?: WaitOptions | number): Promise<void> {
    if (!this.#outcome) await waitForPromise(this.#done, options);
  }

  /** The result; rethrows the task's error; TimeoutError if it is not ready within the timeout. */
  async get(options?: WaitOptions | number): Promise<T> {
    await this.wait(options);
    const outcome = this.#outcome;
    if (!outcome) throw new TimeoutError(`The result was not ready within ${timeoutOf(options)} ms`);
    if (!outcome.ok) throw outcome.error;
    return outcome.value;
  }

  /** `<AsyncResult at 0x2 pending>`, `ready successful`, or `ready failed`. */
  toString(): string {
    const state = !this.#outcome ? "pending" : this.#outcome.ok ? "ready successful" : "ready failed";
    return `<AsyncResult at 0x${this.#id.toString(16)} ${state}>`;
  }

  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return this.toString();
  }

  /** A callback that throws is reported on stderr; the result stays as it is. */
  #call(callback: () => void): void {
    try {
      callback();
    } catch (error) {
      reportCallbackError(`exception calling callback for ${this}`, error);
    }
  }
}
