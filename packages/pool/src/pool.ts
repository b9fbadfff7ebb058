import { availableParallelism } from "node:os";
import type { ResourceLimits } from "node:worker_threads";
import { describe, toTaskSpec, ValueError, type TaskLike, type TaskResult } from "@multiproc/core";
import { AsyncResult } from "./async-result.js";
import { Engine } from "./engine.js";
import { checkArgs, checkChunksize, collect, iteratorOf, submitJob, type AnyIterable } from "./jobs.js";
import { mapAll, mapLazily, type MapOptions } from "./mapping.js";
import { CALL, MAP, STARMAP } from "./protocol.js";

export interface PoolOptions {
  /** Worker threads; default `cpuCount()`. */
  processes?: number | undefined;
  /** Runs once in each worker before its first task. If it throws, the pool is broken (BrokenPoolError). */
  initializer?: TaskLike | undefined;
  initargs?: unknown[] | undefined;
  /** Tasks a worker runs before it is replaced by a fresh one (default: no limit). */
  maxtasksperchild?: number | undefined;
  /** Limits of each worker's heap (Node's Worker option); a worker that exceeds them dies (WorkerDiedError, "out-of-memory"). */
  resourceLimits?: ResourceLimits | undefined;
}

export interface ApplyOptions<R> {
  callback?: ((value: R) => void) | undefined;
  errorCallback?: ((error: unknown) => void) | undefined;
  /** Aborts the task: a queued one is dropped, a running one's worker is stopped and replaced. */
  signal?: AbortSignal | undefined;
}

export interface MapAsyncOptions<R> extends MapOptions {
  callback?: ((values: R[]) => void) | undefined;
  errorCallback?: ((error: unknown) => void) | undefined;
}

type Fn = TaskLike;

/** Tasks queued at each worker: enough that a worker rarely waits for this thread (see engine.ts). */
const POOL_DEPTH = 32;
type Item<F> = F extends (arg: infer A, ...rest: never[]) => unknown ? A : unknown;

export function checkWorkerCount(value: unknown, what: string): number {
  if (value === undefined) return availableParallelism();
  if (typeof value !== "number") throw new TypeError(`Expected \`${what}\` to be a positive integer, got ${describe(value)}`);
  if (!Number.isInteger(value) || value < 1) throw new ValueError(`Expected \`${what}\` to be a positive integer, got ${value}`);
  return value;
}

export function checkMaxTasks(value: unknown, what: string): number {
  if (value === undefined) return 0;
  if (typeof value !== "number") throw new TypeError(`Expected \`${what}\` to be a positive integer, got ${describe(value)}`);
  if (!Number.isInteger(value) || value < 1) throw new ValueError(`Expected \`${what}\` to be a positive integer, got ${value}`);
  return value;
}

function checkOptions(options: unknown, what: string): Record<string, unknown> {
  if (options === undefined) return {};
  if (typeof options !== "object" || options === null) throw new TypeError(`Expected ${what} to be an object, got ${describe(options)}`);
  return options as Record<string, unknown>;
}

/**
 * A pool of worker threads, as Python's `multiprocessing.Pool`. Tasks are
 * `task(url, name)` references or self-contained functions; args and results
 * may hold shareable objects. A worker that dies in a task fails that task
 * (WorkerDiedError) and is replaced.
 *
 * @example
 * ```ts
 * await using pool = new Pool({ processes: 4 });
 * console.log(await pool.map((n: number) => n * n, [1, 2, 3])); // [1, 4, 9]
 * ```
 */
export class Pool {
  readonly #engine: Engine;

  constructor(options?: PoolOptions) {
    const o = checkOptions(options, "Pool options") as PoolOptions;
    const initializer = o.initializer === undefined ? undefined : toTaskSpec(o.initializer, "initializer");
    this.#engine = new Engine({
      size: checkWorkerCount(o.processes, "processes"),
      initializer,
      initargs: checkArgs(o.initargs),
      maxTasks: checkMaxTasks(o.maxtasksperchild, "maxtasksperchild"),
      breakOnDeath: false,
      depth: POOL_DEPTH,
      label: "Pool",
      resourceLimits: o.resourceLimits,
    });
  }

  /** Worker threads. */
  get processes(): number {
    return this.#engine.size;
  }

  /** Tasks (map chunks count as one) waiting for a worker. */
  get queued(): number {
    return this.#engine.queued;
  }

  /** Tasks handed to workers and not finished. */
  get running(): number {
    return this.#engine.running;
  }

  /** `fn(...args)` on a worker. */
  apply<F extends Fn>(fn: F, args?: unknown[], options?: Pick<ApplyOptions<TaskResult<F>>, "signal">): Promise<TaskResult<F>> {
    const o = checkOptions(options, "apply options") as ApplyOptions<TaskResult<F>>;
    return this.#submit<TaskResult<F>>(fn, checkArgs(args), o.signal);
  }

  applyAsync<F extends Fn>(fn: F, args?: unknown[], options?: ApplyOptions<TaskResult<F>>): AsyncResult<TaskResult<F>> {
    const o = checkOptions(options, "apply options") as ApplyOptions<TaskResult<F>>;
    const promise = this.#submit<TaskResult<F>>(fn, checkArgs(args), o.signal);
    return new AsyncResult(promise, o.callback, o.errorCallback);
  }

  /** `fn(item)` for every item, results in input order. */
  map<F extends Fn>(fn: F, iterable: AnyIterable<Item<F>>, options?: MapOptions): Promise<TaskResult<F>[]> {
    return this.mapAsync(fn, iterable, options).get();
  }

  mapAsync<F extends Fn>(fn: F, iterable: AnyIterable<Item<F>>, options?: MapAsyncOptions<TaskResult<F>>): AsyncResult<TaskResult<F>[]> {
    return this.#mapAsync(fn, iterable, options, MAP);
  }

  /** `fn(...args)` for every args list, results in input order. */
  starmap<F extends Fn>(fn: F, iterable: AnyIterable<unknown[]>, options?: MapOptions): Promise<TaskResult<F>[]> {
    return this.starmapAsync(fn, iterable, options).get();
  }

  starmapAsync<F extends Fn>(fn: F, iterable: AnyIterable<unknown[]>, options?: MapAsyncOptions<TaskResult<F>>): AsyncResult<TaskResult<F>[]> {
    return this.#mapAsync(fn, iterable, options, STARMAP);
  }

  /** A lazy, ordered map: reads the input as workers need it (chunksize 1 by default, as Python). */
  imap<F extends Fn>(fn: F, iterable: AnyIterable<Item<F>>, options?: MapOptions): AsyncGenerator<TaskResult<F>> {
    return this.#imap(fn, iterable, options, true);
  }

  /** imap, yielding results as they finish. */
  imapUnordered<F extends Fn>(fn: F, iterable: AnyIterable<Item<F>>, options?: MapOptions): AsyncGenerator<TaskResult<F>> {
    return this.#imap(fn, iterable, options, false);
  }

  /** No new tasks; the workers end once the queued ones are done. */
  close(): void {
    this.#engine.close();
  }

  /** Waits for every task and worker to finish; call close() or terminate() first (ValueError otherwise). */
  join(): Promise<void> {
    return this.#engine.join();
  }

  /** Stops the workers now; unfinished tasks fail with CancelledError. */
  terminate(): Promise<void> {
    return this.#engine.terminate();
  }

  /** `await using pool = new Pool()`: terminate() on leaving the block, as Python's `with Pool()`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.terminate();
  }

  #submit<R>(fn: unknown, args: unknown[], signal: AbortSignal | undefined): Promise<R> {
    return submitJob<R>(this.#engine, fn, CALL, args, "args", signal).promise;
  }

  #mapAsync<R>(fn: unknown, iterable: AnyIterable<unknown>, options: MapAsyncOptions<R> | undefined, mode: typeof MAP | typeof STARMAP): AsyncResult<R[]> {
    const o = checkOptions(options, "map options") as MapAsyncOptions<R>;
    const chunksize = checkChunksize(o.chunksize);
    this.#engine.checkOpen();
    this.#engine.functionOf(fn, "fn");
    const promise = Array.isArray(iterable)
      ? mapAll<R>(this.#engine, fn, iterable, mode, o, chunksize)
      : collect(iterable, "iterable").then((items) => mapAll<R>(this.#engine, fn, items, mode, o, chunksize));
    return new AsyncResult(promise, o.callback, o.errorCallback);
  }

  #imap<R>(fn: unknown, iterable: AnyIterable<unknown>, options: MapOptions | undefined, ordered: boolean): AsyncGenerator<R> {
    const o = checkOptions(options, "imap options") as MapOptions;
    const chunksize = checkChunksize(o.chunksize) ?? 1;
    this.#engine.checkOpen();
    this.#engine.functionOf(fn, "fn");
    return mapLazily<R>(this.#engine, fn, iteratorOf(iterable), MAP, o, chunksize, ordered);
  }
}
