import type { ResourceLimits } from "node:worker_threads";
import { checkOptionNames, toTaskSpec, ValueError, type TaskLike, type TaskArgs, type TaskResult } from "@multiproc/core/internal";
import { Engine, type Job } from "./engine.js";
import { BrokenPoolError } from "./errors.js";
import { Future, onCancel } from "./future.js";
import { executorMap, type ExecutorMapOptions } from "./executor-map.js";
import { checkArgs, prepareJob, type AnyIterable } from "./jobs.js";
import { checkMaxTasks, checkPreload, checkWorkerCount } from "./pool.js";
import { CALL, STARMAP } from "./protocol.js";

/** Options of `new ProcessPoolExecutor(options)`. */
export interface ExecutorOptions {
  /** Worker threads; default `cpuCount()`. */
  maxWorkers?: number | undefined;
  /** Runs once in each worker before its first task. If it throws, the executor is broken (BrokenPoolError). */
  initializer?: TaskLike | undefined;
  /** Arguments for `initializer`; shareable objects may sit anywhere inside. */
  initargs?: unknown[] | undefined;
  /** Tasks a worker runs before a fresh one replaces it. */
  maxTasksPerChild?: number | undefined;
  /** Limits of each worker's heap (Node's Worker option); a worker that exceeds them dies and breaks the executor. */
  resourceLimits?: ResourceLimits | undefined;
  /** Modules each worker imports before anything else (a TypeScript loader on Node 20, say). */
  preload?: (string | URL)[] | undefined;
}

const EXECUTOR_OPTIONS = ["maxWorkers", "initializer", "initargs", "maxTasksPerChild", "resourceLimits", "preload"];

/**
 * Python's `concurrent.futures.ProcessPoolExecutor` on worker threads. A
 * worker that dies abruptly breaks it, as in Python: pending futures fail
 * with BrokenPoolError and later submits throw it.
 *
 * @example
 * ```ts
 * await using ex = new ProcessPoolExecutor({ maxWorkers: 2 });
 * const f = ex.submit((a: number, b: number) => a + b, 1, 2);
 * console.log(await f); // 3
 * ```
 */
export class ProcessPoolExecutor {
  readonly #engine: Engine;
  readonly #futures = new Map<Job, Future>();
  #shutdown = false;

  constructor(options?: ExecutorOptions) {
    const o = checkOptionNames(options, "executor options", EXECUTOR_OPTIONS);
    this.#engine = new Engine({
      size: checkWorkerCount(o.maxWorkers, "maxWorkers"),
      initializer: o.initializer === undefined ? undefined : toTaskSpec(o.initializer, "initializer"),
      initargs: checkArgs(o.initargs),
      maxTasks: checkMaxTasks(o.maxTasksPerChild, "maxTasksPerChild"),
      breakOnDeath: true,
      depth: 2,
      runningAhead: 2,
      label: "ProcessPoolExecutor",
      resourceLimits: o.resourceLimits,
      preload: checkPreload(o.preload),
    });
  }

  /** Worker threads (the `maxWorkers` option, or `cpuCount()`). */
  get maxWorkers(): number {
    return this.#engine.size;
  }

  /** Schedules `fn(...args)`; throws ValueError after shutdown, BrokenPoolError once broken. */
  submit<F extends TaskLike>(fn: F, ...args: TaskArgs<F>): Future<TaskResult<F>> {
    this.#checkOpen();
    return this.#submit(fn, CALL, args, "args") as Future<TaskResult<F>>;
  }

  /**
   * `fn(a[i], b[i], …)` over the iterables (to the shortest), results in
   * order; an options object may follow the iterables. As in Python, every
   * call is submitted now, at the call (in chunks of `chunksize`), and the
   * `timeout` counts from now; an input or argument that fails throws here.
   * An async iterable is read from now on in the background; if reading it
   * fails, the iteration throws that error after the results before it.
   * Leaving the iteration early cancels the calls that have not started.
   */
  map<F extends TaskLike>(fn: F, ...iterablesAndOptions: (AnyIterable<unknown> | ExecutorMapOptions)[]): AsyncGenerator<TaskResult<F>> {
    this.#checkOpen();
    this.#engine.functionOf(fn, "fn");
    const submitChunk = (rows: unknown[][]) => this.#submit(fn, STARMAP, rows, "items") as Future<unknown[]>;
    return executorMap<TaskResult<F>>(submitChunk, () => this.#checkOpen(), iterablesAndOptions, true);
  }

  /** No new tasks. `wait` (default true): resolve once all are done; `cancelFutures`: cancel those not started. */
  async shutdown(options: { wait?: boolean; cancelFutures?: boolean } = {}): Promise<void> {
    checkOptionNames(options, "shutdown options", ["wait", "cancelFutures"]);
    this.#shutdown = true;
    if (options.cancelFutures) {
      for (const future of [...this.#futures.values()]) if (!future.running()) future.cancel();
    }
    this.#engine.close();
    if (options.wait ?? true) await this.#engine.join();
  }

  /**
   * Stops every worker now (Python 3.14's `terminate_workers`): futures not
   * done fail with BrokenPoolError, and the executor is shut down.
   */
  terminateWorkers(): Promise<void> {
    return this.#stopWorkers("terminated");
  }

  /** `terminateWorkers()` (Python's `kill_workers`; a thread has no gentler stop than a kill). */
  killWorkers(): Promise<void> {
    return this.#stopWorkers("killed");
  }

  /** `await using ex = new ProcessPoolExecutor()`: shutdown({ wait: true }). */
  [Symbol.asyncDispose](): Promise<void> {
    return this.shutdown({ wait: true });
  }

  async #stopWorkers(how: string): Promise<void> {
    this.#shutdown = true;
    await this.#engine.terminate(() => new BrokenPoolError(`The workers of the ProcessPoolExecutor were ${how} before the task finished`));
  }

  #checkOpen(): void {
    this.#engine.checkOpen(); // BrokenPoolError once broken
    if (this.#shutdown) throw new ValueError("Cannot submit after shutdown()");
  }

  #submit(fn: unknown, mode: typeof CALL | typeof STARMAP, payload: unknown, path: string): Future {
    const future = new Future();
    // A task can be handed out again (its worker died before starting it, or an idle worker took it over): it stays running.
    const { job, promise } = prepareJob(this.#engine, fn, mode, payload, path, undefined, () => void (future.running() || future.setRunningOrNotifyCancel()));
    onCancel(future, () => this.#engine.cancelQueued(job));
    this.#futures.set(job, future);
    // A cancelled future's job left the engine, so it never settles; done() guards the rest.
    promise.then(
      (value) => {
        this.#futures.delete(job);
        if (!future.done()) future.setResult(value);
      },
      (error: unknown) => {
        this.#futures.delete(job);
        if (!future.done()) future.setException(error);
      },
    );
    this.#engine.submit(job);
    return future;
  }
}
