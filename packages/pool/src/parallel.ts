import { availableParallelism } from "node:os";
import { checkOptionNames, describe, isTaskRef, ValueError, type TaskArgs, type TaskLike, type TaskResult } from "@multiproc/core/internal";
import { CancelledError } from "./errors.js";
import type { AnyIterable } from "./jobs.js";
import { delayedCalls, itemCalls, type CallSource } from "./parallel-source.js";
import { ParallelRun, processBackend, threadBackend } from "./parallel-run.js";
import type { TaskItem } from "./pool.js";

/** One call to make: what `delayed(fn)(...args)` returns. */
export interface DelayedCall<F extends TaskLike = TaskLike> {
  /** The function or task to call. */
  readonly fn: F;
  /** Its arguments. */
  readonly args: TaskArgs<F>;
}

/** How a Parallel call gives its results: a Promise of the list, or an async generator, in input order or as they finish. */
export type ParallelReturnAs = "list" | "generator" | "generatorUnordered";

/** What a Parallel call returns for results `R`: `Promise<R[]>` for "list", else an `AsyncGenerator<R>`. */
export type ParallelOutput<R, M extends ParallelReturnAs> = M extends "list" ? Promise<R[]> : AsyncGenerator<R>;

/** Options of `new Parallel(options)` and `parallel(fn, items, options)`, after joblib's. */
export interface ParallelOptions<M extends ParallelReturnAs = ParallelReturnAs> {
  /**
   * Workers: a positive count, or -1 for every core, -2 for all but one, …
   * (joblib's rule: cores + 1 + nJobs). Default -1. With 1, the calls run
   * one after another on this thread, as joblib's sequential mode (handy to debug).
   */
  nJobs?: number | undefined;
  /**
   * "process" (default): worker threads of a Pool (joblib's loky), for
   * CPU-bound calls of tasks. "thread": this thread's event loop, at most
   * `nJobs` calls at once (a ThreadPoolExecutor), for I/O-bound calls of any
   * function or closure.
   */
  backend?: "process" | "thread" | undefined;
  /**
   * Calls sent to a worker at a time: a count, or "auto" (default): joblib's
   * adaptive batching, from one call up, sized from the measured batch
   * times (the thread backend sends one call at a time).
   */
  batchSize?: "auto" | number | undefined;
  /** "list" (default): a Promise of every result in input order; "generator": results in order as they come; "generatorUnordered": as they finish. */
  returnAs?: M | undefined;
  /** joblib's progress lines on stderr: 0 (default) none; higher, more often; above 10, after every batch. */
  verbose?: number | undefined;
  /** Called after each batch with the results done so far and the total (undefined until the input is read to its end). */
  onProgress?: ((done: number, total: number | undefined) => void) | undefined;
  /**
   * ms a batch may take from its dispatch: past it, the call fails with
   * TimeoutError and its other batches are dropped or stopped (a running
   * batch of the thread backend cannot be stopped: its result is ignored).
   */
  timeout?: number | undefined;
}

const OPTIONS = ["nJobs", "backend", "batchSize", "returnAs", "verbose", "onProgress", "timeout"];

interface Settings {
  readonly workers: number;
  readonly backend: "process" | "thread";
  readonly batchSize: "auto" | number;
  readonly returnAs: ParallelReturnAs;
  readonly verbose: number;
  readonly onProgress: ((done: number, total: number | undefined) => void) | undefined;
  readonly timeout: number | undefined;
}

/** The state behind each Parallel (the instance is a function, so it holds no private fields of its own). */
interface State {
  readonly settings: Settings;
  readonly runs: Set<ParallelRun>;
  closed: boolean;
}

const states = new WeakMap<object, State>();

function stateOf(parallel: unknown): State {
  const state = states.get(parallel as object);
  if (!state) throw new TypeError("Expected a Parallel made with new Parallel(options)");
  return state;
}

/**
 * joblib's `Parallel`: a callable that runs delayed calls in parallel.
 * Calls the object with an iterable (or async iterable) of
 * `delayed(fn)(...args)`; it reads them as workers free up, groups
 * consecutive calls of one function into batches, and returns the results
 * in input order (see `returnAs`). The first call that throws fails the
 * whole call with that error, its class and stack as thrown in the worker;
 * the batches not done are dropped or stopped.
 */
export interface Parallel<M extends ParallelReturnAs = "list"> {
  /** Runs the calls; what it returns follows `returnAs`. */
  <C extends DelayedCall>(calls: AnyIterable<C>): ParallelOutput<DelayedResult<C>, M>;
}

/** The result type of a delayed call (a union over several functions). */
export type DelayedResult<C> = C extends DelayedCall<infer F> ? TaskResult<F> : never;

/**
 * @example
 * ```ts
 * const sqrt = task(new URL("./jobs.js", import.meta.url), "sqrt");
 * const roots = await new Parallel({ nJobs: 2 })(Array.from({ length: 10 }, (_, i) => delayed(sqrt)(i ** 2)));
 * // [0, 1, 2, …, 9]
 *
 * await using parallel = new Parallel({ nJobs: 4, returnAs: "generatorUnordered" });
 * for await (const r of parallel(inputs.map((x) => delayed(work)(x)))) console.log(r);
 * ```
 *
 * The process backend runs on a Pool kept between calls, as joblib's loky
 * backend keeps its workers: calls of every Parallel with the same worker
 * count share it, so the calls after the first (and a Parallel made in a
 * loop) start at once. The pool never keeps Node alive when idle, and ends
 * after five minutes without calls.
 */
export class Parallel<M extends ParallelReturnAs = "list"> {
  constructor(options?: ParallelOptions<M>) {
    const state: State = { settings: checkOptions(options), runs: new Set(), closed: false };
    const call = (calls: AnyIterable<DelayedCall>) => runCalls(state, () => delayedCalls(calls));
    Object.setPrototypeOf(call, new.target.prototype);
    states.set(call, state);
    return call as unknown as Parallel<M>;
  }

  /** Workers a call runs on (the `nJobs` option, resolved). */
  get nJobs(): number {
    return stateOf(this).settings.workers;
  }

  /** "process" or "thread". */
  get backend(): "process" | "thread" {
    return stateOf(this).settings.backend;
  }

  /**
   * No more calls (they throw ValueError); calls still running (a generator
   * not read to its end) are stopped: their reader gets CancelledError.
   */
  async close(): Promise<void> {
    const state = stateOf(this);
    state.closed = true;
    for (const run of state.runs) run.end(new CancelledError("The Parallel was closed before the call finished"));
  }

  /** `await using parallel = new Parallel()`: close() on leaving the block, as joblib's `with Parallel() as parallel`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}

/**
 * joblib's `delayed`: `delayed(fn)(...args)` records a call of `fn` for a
 * Parallel to make. `fn` is a `task(url, name)` reference or a
 * self-contained function (any function or closure on the thread backend).
 */
export function delayed<F extends TaskLike>(fn: F): (...args: TaskArgs<F>) => DelayedCall<F> {
  if (typeof fn !== "function" && !isTaskRef(fn)) throw new TypeError(`Expected \`fn\` to be a function or task(url, exportName), got ${describe(fn)}`);
  return (...args) => ({ fn, args });
}

/**
 * `fn(item)` for every item, in parallel: `new Parallel(options)` over
 * `delayed(fn)(item)` of each item, with the same options and results.
 *
 * @example
 * ```ts
 * const squares = await parallel((n: number) => n * n, [1, 2, 3], { nJobs: 2 }); // [1, 4, 9]
 * ```
 */
export function parallel<F extends TaskLike, M extends ParallelReturnAs = "list">(
  fn: F,
  items: AnyIterable<TaskItem<F>>,
  options?: ParallelOptions<M>,
): ParallelOutput<TaskResult<F>, M> {
  delayed(fn); // checks fn
  const state: State = { settings: checkOptions(options), runs: new Set(), closed: false };
  return runCalls(state, () => itemCalls(fn, items)) as ParallelOutput<TaskResult<F>, M>;
}

/** A call of a Parallel. In "list" mode every error is a rejection, as the result is a Promise. */
function runCalls(state: State, calls: () => CallSource): Promise<unknown[]> | AsyncGenerator<unknown> {
  if (state.settings.returnAs !== "list") return tracked(state, start(state, calls), (run) => run.results());
  try {
    return tracked(state, start(state, calls), (run) => run.all());
  } catch (error) {
    return Promise.reject(error);
  }
}

function start(state: State, calls: () => CallSource): ParallelRun {
  const { settings } = state;
  if (state.closed) throw new ValueError("This Parallel was closed: make a new one");
  const input = calls();
  const backend =
    settings.workers === 1 ? threadBackend(1, "sequential") : settings.backend === "thread" ? threadBackend(settings.workers, "thread") : processBackend(settings.workers);
  const run = new ParallelRun(backend, input, {
    batchSize: settings.batchSize,
    // A list keeps every result anyway: up to four batches a worker go out at
    // once (Pool.map's chunks of a known-length input all go out at the call);
    // a generator keeps two a worker, so a slow reader holds the work back.
    ahead: (settings.returnAs === "list" ? 4 : 2) * settings.workers,
    bounded: settings.returnAs !== "list",
    ordered: settings.returnAs !== "generatorUnordered",
    timeout: settings.timeout,
    verbose: settings.verbose,
    onProgress: settings.onProgress,
    label: `Parallel(nJobs=${settings.workers})`,
  });
  state.runs.add(run);
  return run;
}

/** The run's results as `read` gives them; the run leaves the Parallel's list when they are over. */
function tracked<T extends Promise<unknown> | AsyncGenerator<unknown>>(state: State, run: ParallelRun, read: (run: ParallelRun) => T): T {
  const forget = () => state.runs.delete(run);
  const results = read(run);
  if (results instanceof Promise) return results.finally(forget) as T;
  const generator = results as AsyncGenerator<unknown>;
  return (async function* () {
    try {
      yield* generator;
    } finally {
      forget();
    }
  })() as T;
}

function checkOptions(options: ParallelOptions | undefined): Settings {
  const o = checkOptionNames(options, "Parallel options", OPTIONS) as ParallelOptions;
  return {
    workers: checkJobs(o.nJobs),
    backend: oneOf(o.backend, "backend", ["process", "thread"], "process"),
    batchSize: checkBatchSize(o.batchSize),
    returnAs: oneOf(o.returnAs, "returnAs", ["list", "generator", "generatorUnordered"], "list"),
    verbose: checkNumber(o.verbose, "verbose", 0),
    onProgress: checkCallback(o.onProgress),
    timeout: o.timeout === undefined ? undefined : checkNumber(o.timeout, "timeout", 0),
  };
}

/** joblib's rule: a positive count as it is; -1 every core, -2 all but one, …; 0 means nothing. */
function checkJobs(value: unknown): number {
  if (value === undefined) return availableParallelism();
  if (typeof value !== "number" || !Number.isInteger(value)) throw new TypeError(`Expected \`nJobs\` to be a non-zero integer, got ${describe(value)}`);
  if (value === 0) throw new ValueError("`nJobs` 0 has no meaning: give a count of workers, or -1 for every core");
  const cores = availableParallelism();
  const workers = value > 0 ? value : cores + 1 + value;
  if (workers < 1) throw new ValueError(`\`nJobs\` ${value} leaves no worker on ${cores} cores (-1 is every core)`);
  return workers;
}

function checkBatchSize(value: unknown): "auto" | number {
  if (value === undefined || value === "auto") return "auto";
  if (typeof value !== "number") throw new TypeError(`Expected \`batchSize\` to be "auto" or a positive integer, got ${describe(value)}`);
  if (!Number.isInteger(value) || value < 1) throw new ValueError(`Expected \`batchSize\` to be "auto" or a positive integer, got ${value}`);
  return value;
}

function oneOf<T extends string>(value: unknown, what: string, allowed: readonly T[], fallback: T): T {
  if (value === undefined) return fallback;
  if (allowed.includes(value as T)) return value as T;
  throw new ValueError(`Expected \`${what}\` to be ${allowed.map((a) => `"${a}"`).join(" or ")}, got ${describe(value)}`);
}

function checkNumber(value: unknown, what: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || Number.isNaN(value)) throw new TypeError(`Expected \`${what}\` to be a number, got ${describe(value)}`);
  if (value < 0) throw new ValueError(`Expected \`${what}\` to be 0 or more, got ${value}`);
  return value;
}

function checkCallback(value: unknown): ((done: number, total: number | undefined) => void) | undefined {
  if (value === undefined || typeof value === "function") return value as never;
  throw new TypeError(`Expected \`onProgress\` to be a function, got ${describe(value)}`);
}
