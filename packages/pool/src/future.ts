import { deadlineOf, describe, remaining, TimeoutError } from "@multiproc/core";
import { CancelledError } from "./errors.js";

type State = "pending" | "running" | "cancelled" | "finished";
type Outcome<T> = { ok: true; value: T } | { ok: false; error: unknown };

/**
 * The eventual result of `executor.submit()`, as Python's
 * `concurrent.futures.Future`; also a thenable, so `await future` works.
 */
export class Future<T = unknown> implements PromiseLike<T> {
  #state: State = "pending";
  #outcome: Outcome<T> | undefined;
  #callbacks: ((future: Future<T>) => void)[] = [];
  #settled!: () => void;
  readonly #done = new Promise<void>((resolve) => (this.#settled = resolve));
  readonly #cancel: () => boolean;

  /** @internal `cancel` removes the task if no worker has it yet. */
  constructor(cancel: () => boolean) {
    this.#cancel = cancel;
  }

  /** Cancels a task that has not started; false once it runs or is done. */
  cancel(): boolean {
    if (this.#state === "cancelled") return true;
    if (this.#state !== "pending" || !this.#cancel()) return false;
    this.#state = "cancelled";
    this.#finish({ ok: false, error: new CancelledError() });
    return true;
  }

  cancelled(): boolean {
    return this.#state === "cancelled";
  }

  running(): boolean {
    return this.#state === "running";
  }

  /** Finished, failed or cancelled. */
  done(): boolean {
    return this.#state === "cancelled" || this.#state === "finished";
  }

  /** The result; rethrows the task's error; CancelledError if cancelled; TimeoutError after `timeout` ms. */
  async result(timeout?: number): Promise<T> {
    const outcome = await this.#wait(timeout);
    if (!outcome.ok) throw outcome.error;
    return outcome.value;
  }

  /** The task's error, or undefined if it succeeded; CancelledError if cancelled; TimeoutError after `timeout` ms. */
  async exception(timeout?: number): Promise<unknown> {
    const outcome = await this.#wait(timeout);
    if (this.#state === "cancelled") throw (outcome as { error: unknown }).error;
    return outcome.ok ? undefined : outcome.error;
  }

  /** Calls `fn(future)` once the future is done (at once if it is). */
  addDoneCallback(fn: (future: Future<T>) => void): void {
    if (typeof fn !== "function") throw new TypeError(`Expected a callback function, got ${describe(fn)}`);
    if (this.done()) fn(this);
    else this.#callbacks.push(fn);
  }

  then<R1 = T, R2 = never>(onFulfilled?: ((value: T) => R1 | PromiseLike<R1>) | null, onRejected?: ((reason: unknown) => R2 | PromiseLike<R2>) | null): Promise<R1 | R2> {
    return this.result().then(onFulfilled, onRejected);
  }

  /** @internal A worker has the task. */
  markRunning(): void {
    if (this.#state === "pending") this.#state = "running";
  }

  /** @internal */
  settle(outcome: Outcome<T>): void {
    if (this.done()) return;
    this.#state = "finished";
    this.#finish(outcome);
  }

  /** @internal Done with an error (cancelled counts), for wait()'s FIRST_EXCEPTION. */
  get failed(): boolean {
    return this.#outcome !== undefined && !this.#outcome.ok;
  }

  /** @internal Resolves when done, for wait() and asCompleted(). */
  get settled(): Promise<void> {
    return this.#done;
  }

  #finish(outcome: Outcome<T>): void {
    this.#outcome = outcome;
    this.#settled();
    const callbacks = this.#callbacks;
    this.#callbacks = [];
    for (const fn of callbacks) fn(this);
  }

  async #wait(timeout: number | undefined): Promise<Outcome<T>> {
    const deadline = deadlineOf(timeout);
    if (!this.#outcome && deadline !== Infinity) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([this.#done, new Promise<void>((resolve) => (timer = setTimeout(resolve, remaining(deadline))))]);
      clearTimeout(timer);
    } else {
      await this.#done;
    }
    if (!this.#outcome) throw new TimeoutError(`The future was not done within ${timeout} ms`);
    return this.#outcome;
  }
}
