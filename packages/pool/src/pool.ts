import { availableParallelism } from "node:os";
import type { ResourceLimits } from "node:worker_threads";
import { checkOptionNames, describe, toTaskSpec, ValueError, type TaskArgs, type TaskLike, type TaskResult } from "@multiproc/core/internal";
import { AsyncResult } from "./async-result.js";
import { Engine } from "./engine.js";
import { checkArgs, checkChunksize, collect, iteratorOf, submitJob, type AnyIterable } from "./jobs.js";
import { IMapIterator } from "./imap-iterator.js";
import { mapAll, mapLazily, type MapOptions } from "./mapping.js";
import { CALL, MAP, STARMAP } from "./protocol.js";

/** Options of `new Pool(options)`. */
export interface PoolOptions {
  /** Worker threads; default `cpuCount()`. */
  processes?: number | undefined;
  /** Runs once in each worker before its first task. If it throws, the pool is broken (BrokenPoolError). */
  initializer?: TaskLike | undefined;
  /** Arguments for `initializer`; shareable objects may sit anywhere inside. */
  initargs?: unknown[] | undefined;
  /** Tasks a worker runs before it is replaced by a fresh one (default: no limit). */
  maxtasksperchild?: number | undefined;
  /** Limits of each worker's heap (Node's Worker option); a worker that exceeds them dies (WorkerDiedError, "out-of-memory"). */
  resourceLimits?: ResourceLimits | undefined;
  /**
   * Modules each worker imports before anything else, such as a file that
   * registers a TypeScript loader (TypeScript task modules on Node 20).
   */
  preload?: (string | URL)[] | undefined;
}

/** Checks a `preload` option: module specifiers or URLs, as strings for the workers. */
export function checkPreload(preload: unknown): string[] {
  if (preload === undefined) return [];
  if (!Array.isArray(preload)) throw new TypeError(`Expected \`preload\` to be an array of module URLs or specifiers, got ${describe(preload)}`);
  return preload.map((p: unknown, i) => {
    if (p instanceof URL) return p.href;
    if (typeof p === "string") return p;
    throw new TypeError(`Expected \`preload[${i}]\` to be a URL or a module specifier, got ${describe(p)}`);
  });
}

/** Options of `apply` and `applyAsync`. */
export interface ApplyOptions<R> {
  /**
   * Called in this thread with the result when the task succeeds (Python's `callback`); what it throws is reported, never lost.
   */
  callback?: ((value: R) => void) | undefined;
  /** Called in this thread with the error when the task fails (Python's `error_callback`). */
  errorCallback?: ((error: unknown) => void) | undefined;
  /** Aborts the task: a queued one is dropped, a running one's worker is stopped and replaced. */
  signal?: AbortSignal | undefined;
}

/** Options of `mapAsync` and `starmapAsync`. */
export interface MapAsyncOptions<R> extends MapOptions {
  /** Called in this thread with all results, in input order, when every task succeeded. */
  callback?: ((values: R[]) => void) | undefined;
  /** Called in this thread with the first error when a task fails. */
  errorCallback?: ((error: unknown) => void) | undefined;
}

/** Tasks queued at each worker: enough that a worker rarely waits for this thread (see engine.ts). */
const POOL_DEPTH = 32;
/** The item type `map` and `imap` take for task `F`: its first parameter. */
export type TaskItem<F> = F extends (arg: infer A, ...rest: never[]) => unknown ? A : unknown;

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

/** Package-internal: the engine under a Pool (Parallel hands it batches itself). Set in the class's static block. */
export let engineOf: (pool: Pool) => Engine;

const POOL_OPTIONS = ["processes", "initializer", "initargs", "maxtasksperchild", "resourceLimits", "preload"];
const APPLY_OPTIONS = ["callback", "errorCallback", "signal"];
const MAP_OPTIONS = ["chunksize", "signal", "onProgress"];
const MAP_ASYNC_OPTIONS = [...MAP_OPTIONS, "callback", "errorCallback"];

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

  static {
    engineOf = (pool) => pool.#engine;
  }

  constructor(options?: PoolOptions) {
    const o = checkOptionNames(options, "Pool options", POOL_OPTIONS);
    const initializer = o.initializer === undefined ? undefined : toTaskSpec(o.initializer, "initializer");
    this.#engine = new Engine({
      size: checkWorkerCount(o.processes, "processes"),
      initializer,
      initargs: checkArgs(o.initargs),
      maxTasks: checkMaxTasks(o.maxtasksperchild, "maxtasksperchild"),
      breakOnDeath: false,
      depth: POOL_DEPTH,
      runningAhead: 0,
      label: "Pool",
      resourceLimits: o.resourceLimits,
      preload: checkPreload(o.preload),
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

  /** `fn(...args)` on a worker; `args` is typed from the task, as `executor.submit`'s. */
  apply<F extends TaskLike>(fn: F, args?: TaskArgs<F>, options?: Pick<ApplyOptions<TaskResult<F>>, "signal">): Promise<TaskResult<F>> {
    const o = checkOptionNames(options, "apply options", APPLY_OPTIONS) as ApplyOptions<TaskResult<F>>;
    return this.#submit<TaskResult<F>>(fn, checkArgs(args), o.signal);
  }

  /** `apply()` that returns an AsyncResult at once: poll it with `ready()`, or `get()` the result. */
  applyAsync<F extends TaskLike>(fn: F, args?: TaskArgs<F>, options?: ApplyOptions<TaskResult<F>>): AsyncResult<TaskResult<F>> {
    const o = checkOptionNames(options, "apply options", APPLY_OPTIONS) as ApplyOptions<TaskResult<F>>;
    const promise = this.#submit<TaskResult<F>>(fn, checkArgs(args), o.signal);
    return new AsyncResult(promise, o.callback, o.errorCallback);
  }

  /** `fn(item)` for every item, results in input order. */
  map<F extends TaskLike>(fn: F, iterable: AnyIterable<TaskItem<F>>, options?: MapOptions): Promise<TaskResult<F>[]> {
    return this.mapAsync(fn, iterable, options).get();
  }

  /** `map()` that returns an AsyncResult at once, resolving to every result in input order. */
  mapAsync<F extends TaskLike>(fn: F, iterable: AnyIterable<TaskItem<F>>, options?: MapAsyncOptions<TaskResult<F>>): AsyncResult<TaskResult<F>[]> {
    return this.#mapAsync(fn, iterable, options, MAP);
  }

  /** `fn(...args)` for every args list, results in input order. */
  starmap<F extends TaskLike>(fn: F, iterable: AnyIterable<TaskArgs<F>>, options?: MapOptions): Promise<TaskResult<F>[]> {
    return this.starmapAsync(fn, iterable, options).get();
  }

  /** `starmap()` that returns an AsyncResult at once, resolving to every result in input order. */
  starmapAsync<F extends TaskLike>(fn: F, iterable: AnyIterable<TaskArgs<F>>, options?: MapAsyncOptions<TaskResult<F>>): AsyncResult<TaskResult<F>[]> {
    return this.#mapAsync(fn, iterable, options, STARMAP);
  }

  /** A lazy, ordered map: reads the input as workers need it (chunksize 1 by default, as Python). */
  imap<F extends TaskLike>(fn: F, iterable: AnyIterable<TaskItem<F>>, options?: MapOptions): IMapIterator<TaskResult<F>> {
    return this.#imap(fn, iterable, options, true);
  }

  /** imap, yielding results as they finish. */
  imapUnordered<F extends TaskLike>(fn: F, iterable: AnyIterable<TaskItem<F>>, options?: MapOptions): IMapIterator<TaskResult<F>> {
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
    const o = checkOptionNames(options, "map options", MAP_ASYNC_OPTIONS) as MapAsyncOptions<R>;
    const chunksize = checkChunksize(o.chunksize);
    this.#engine.checkOpen();
    this.#engine.functionOf(fn, "fn");
    const promise = Array.isArray(iterable)
      ? mapAll<R>(this.#engine, fn, iterable, mode, o, chunksize)
      : collect(iterable, "iterable").then((items) => mapAll<R>(this.#engine, fn, items, mode, o, chunksize));
    return new AsyncResult(promise, o.callback, o.errorCallback);
  }

  #imap<R>(fn: unknown, iterable: AnyIterable<unknown>, options: MapOptions | undefined, ordered: boolean): IMapIterator<R> {
    const o = checkOptionNames(options, "imap options", MAP_OPTIONS) as MapOptions;
    const chunksize = checkChunksize(o.chunksize) ?? 1;
    this.#engine.checkOpen();
    this.#engine.functionOf(fn, "fn");
    return new IMapIterator(mapLazily<R>(this.#engine, fn, iteratorOf(iterable), MAP, o, chunksize, ordered));
  }
}
