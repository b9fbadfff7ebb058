import { describe, TimeoutError, timeoutOf, waitForPromise, type WaitOptions } from "@multiproc/core/internal";
import { reportCallbackError } from "./callback-error.js";
import { CancelledError, InvalidStateError } from "./errors.js";

type State = "pending" | "running" | "cancelled" | "finished";
type Outcome<T> = { ok: true; value: T } | { ok: false; error: unknown };

let created = 0;

/** Package-internal access to a Future (set in the class's static block). */
export let onCancel: <T>(future: Future<T>, hook: () => boolean) => void;
export let settledOf: <T>(future: Future<T>) => Promise<void>;
export let failedOf: <T>(future: Future<T>) => boolean;

/**
 * The eventual result of a call, as Python's `concurrent.futures.Future`:
 * `executor.submit()` returns one, and code that completes work itself can
 * make and settle its own (`new Future()`, then `setResult` or
 * `setException`). A Future is also a thenable, so `await future` works.
 *
 * @example
 * ```ts
 * const future = new Future<number>();
 * future.addDoneCallback((f) => console.log("done", f));
 * if (future.setRunningOrNotifyCancel()) future.setResult(42);
 * console.log(await future.result()); // 42
 * ```
 */
export class Future<T = unknown> implements PromiseLike<T> {
  #state: State = "pending";
  #outcome: Outcome<T> | undefined;
  #callbacks: ((future: Future<T>) => void)[] = [];
  #settled!: () => void;
  readonly #done = new Promise<void>((resolve) => (this.#settled = resolve));
  /** Set by an executor: removes the task if no worker has it yet. */
  #cancelHook: (() => boolean) | undefined;
  readonly #id = ++created;

  static {
    onCancel = (future, hook) => void (future.#cancelHook = hook);
    settledOf = (future) => future.#done;
    failedOf = (future) => future.#outcome !== undefined && !future.#outcome.ok;
  }

  /**
   * Cancels the call if it has not started: true if the future is (now)
   * cancelled, false once it runs or is done.
   */
  cancel(): boolean {
    if (this.#state === "cancelled") return true;
    if (this.#state !== "pending" || (this.#cancelHook && !this.#cancelHook())) return false;
    this.#state = "cancelled";
    this.#finish({ ok: false, error: new CancelledError() });
    return true;
  }

  /** Whether `cancel()` succeeded. */
  cancelled(): boolean {
    return this.#state === "cancelled";
  }

  /** Whether a worker has the call now (it can no longer be cancelled). */
  running(): boolean {
    return this.#state === "running";
  }

  /** Finished, failed or cancelled. */
  done(): boolean {
    return this.#state === "cancelled" || this.#state === "finished";
  }

  /**
   * The result, waiting for it; rethrows the call's error; CancelledError if
   * cancelled; TimeoutError when not done within the timeout (ms, or `{ timeout, signal }`).
   */
  async result(options?: WaitOptions | number): Promise<T> {
    const outcome = await this.#wait(options);
    if (!outcome.ok) throw outcome.error;
    return outcome.value;
  }

  /** The call's error, or undefined if it succeeded; CancelledError if cancelled; TimeoutError as `result()`. */
  async exception(options?: WaitOptions | number): Promise<unknown> {
    const outcome = await this.#wait(options);
    if (this.#state === "cancelled") throw (outcome as { error: unknown }).error;
    return outcome.ok ? undefined : outcome.error;
  }

  /**
   * Calls `fn(future)` once the future is done (at once if it is). A
   * callback that throws is reported on stderr and the others still run, as
   * in Python.
   */
  addDoneCallback(fn: (future: Future<T>) => void): void {
    if (typeof fn !== "function") throw new TypeError(`Expected a callback function, got ${describe(fn)}`);
    if (this.done()) this.#call(fn);
    else this.#callbacks.push(fn);
  }

  /**
   * For code that runs the call itself: marks the future running and returns
   * true, or returns false if it was cancelled (the call must then not run).
   * InvalidStateError if it is already running or done.
   */
  setRunningOrNotifyCancel(): boolean {
    if (this.#state === "cancelled") return false;
    if (this.#state !== "pending") throw new InvalidStateError(`Cannot mark running: ${this}`);
    this.#state = "running";
    return true;
  }

  /** Completes the future with `value`; InvalidStateError if it is already done. */
  setResult(value: T): void {
    this.#settle({ ok: true, value });
  }

  /** Completes the future with `error`; InvalidStateError if it is already done. */
  setException(error: unknown): void {
    this.#settle({ ok: false, error });
  }

  then<R1 = T, R2 = never>(onFulfilled?: ((value: T) => R1 | PromiseLike<R1>) | null, onRejected?: ((reason: unknown) => R2 | PromiseLike<R2>) | null): Promise<R1 | R2> {
    return this.result().then(onFulfilled, onRejected);
  }

  /** `<Future at 0x3 state=finished returned number>`, as Python's repr. */
  toString(): string {
    let state: string = this.#state;
    if (this.#outcome && this.#state === "finished") {
      state += this.#outcome.ok ? ` returned ${typeName(this.#outcome.value)}` : ` raised ${typeName(this.#outcome.error)}`;
    }
    return `<Future at 0x${this.#id.toString(16)} state=${state}>`;
  }

  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return this.toString();
  }

  #settle(outcome: Outcome<T>): void {
    if (this.done()) throw new InvalidStateError(`Cannot set the outcome of a future that is done: ${this}`);
    this.#state = "finished";
    this.#finish(outcome);
  }

  #finish(outcome: Outcome<T>): void {
    this.#outcome = outcome;
    this.#settled();
    const callbacks = this.#callbacks;
    this.#callbacks = [];
    for (const fn of callbacks) this.#call(fn);
  }

  #call(fn: (future: Future<T>) => void): void {
    try {
      fn(this);
    } catch (error) {
      reportCallbackError(`exception calling callback for ${this}`, error);
    }
  }

  async #wait(options: WaitOptions | number | undefined): Promise<Outcome<T>> {
    if (!this.#outcome && !(await waitForPromise(this.#done, options))) {
      throw new TimeoutError(`The future was not done within ${timeoutOf(options)} ms`);
    }
    return this.#outcome!;
  }
}

/** Python prints the class name of a result or error: `int`, `ValueError`. */
export function typeName(value: unknown): string {
  if (value === null) return "null";
  if (typeof value !== "object" && typeof value !== "function") return typeof value;
  if (value instanceof Error) return value.name;
  return (value as object).constructor?.name ?? "Object";
}
