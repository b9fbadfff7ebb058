import type { ResourceLimits } from "node:worker_threads";
import { describe, toTaskSpec, ValueError, type TaskLike, type TaskArgs, type TaskResult } from "@multiproc/core";
import { Engine, type Job } from "./engine.js";
import { Future } from "./future.js";
import { checkArgs, checkChunksize, iteratorOf, prepareJob, type AnyIterable } from "./jobs.js";
import { checkMaxTasks, checkWorkerCount } from "./pool.js";
import { CALL, STARMAP } from "./protocol.js";


export interface ExecutorOptions {
  /** Worker threads; default `cpuCount()`. */
  maxWorkers?: number | undefined;
  initializer?: TaskLike | undefined;
  initargs?: unknown[] | undefined;
  /** Tasks a worker runs before a fresh one replaces it. */
  maxTasksPerChild?: number | undefined;
  resourceLimits?: ResourceLimits | undefined;
}

export interface ExecutorMapOptions {
  /** ms from the call until every result must be there; the iteration throws TimeoutError after. */
  timeout?: number | undefined;
  /** Calls per task sent to a worker (default 1, as Python). */
  chunksize?: number | undefined;
}

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
    if (options !== undefined && (typeof options !== "object" || options === null)) {
      throw new TypeError(`Expected executor options to be an object, got ${describe(options)}`);
    }
    const o = options ?? {};
    this.#engine = new Engine({
      size: checkWorkerCount(o.maxWorkers, "maxWorkers"),
      initializer: o.initializer === undefined ? undefined : toTaskSpec(o.initializer, "initializer"),
      initargs: checkArgs(o.initargs),
      maxTasks: checkMaxTasks(o.maxTasksPerChild, "maxTasksPerChild"),
      breakOnDeath: true,
      depth: 2,
      label: "ProcessPoolExecutor",
      resourceLimits: o.resourceLimits,
    });
  }

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
   * order. All calls are submitted at once, as in Python; an options object
   * may follow the iterables.
   */
  map<F extends TaskLike>(fn: F, ...iterablesAndOptions: (AnyIterable<unknown> | ExecutorMapOptions)[]): AsyncGenerator<TaskResult<F>> {
    this.#checkOpen();
    const last = iterablesAndOptions.at(-1);
    const hasOptions = last !== undefined && typeof last === "object" && last !== null && !(Symbol.iterator in last) && !(Symbol.asyncIterator in last);
    const options = (hasOptions ? last : {}) as ExecutorMapOptions;
    const iterables = (hasOptions ? iterablesAndOptions.slice(0, -1) : iterablesAndOptions) as AnyIterable<unknown>[];
    const chunksize = checkChunksize(options.chunksize) ?? 1;
    if (iterables.length === 0) throw new TypeError("map() needs at least one iterable");
    const iterators = iterables.map((it, i) => iteratorOf(it, `iterables[${i}]`));
    this.#engine.functionOf(fn, "fn");
    return this.#mapResults<TaskResult<F>>(fn, iterators, chunksize, options.timeout);
  }

  /** No new tasks. `wait` (default true): resolve once all are done; `cancelFutures`: cancel those not started. */
  async shutdown(options: { wait?: boolean; cancelFutures?: boolean } = {}): Promise<void> {
    this.#shutdown = true;
    if (options.cancelFutures) {
      for (const future of [...this.#futures.values()]) if (!future.running()) future.cancel();
    }
    this.#engine.close();
    if (options.wait ?? true) await this.#engine.join();
  }

  /** `await using ex = new ProcessPoolExecutor()`: shutdown({ wait: true }). */
  [Symbol.asyncDispose](): Promise<void> {
    return this.shutdown({ wait: true });
  }

  #checkOpen(): void {
    if (this.#engine.broken) throw this.#engine.broken;
    if (this.#shutdown) throw new ValueError("Cannot submit after shutdown()");
  }

  #submit(fn: unknown, mode: typeof CALL | typeof STARMAP, payload: unknown, path: string): Future {
    let job!: Job;
    let queuedJob: Job | undefined;
    const future: Future = new Future(() => queuedJob !== undefined && this.#engine.cancelQueued(queuedJob));
    const prepared = prepareJob(this.#engine, fn, mode, payload, path, undefined, () => future.markRunning());
    job = prepared.job;
    queuedJob = job;
    this.#futures.set(job, future);
    prepared.promise.then(
      (value) => {
        this.#futures.delete(job);
        future.settle({ ok: true, value });
      },
      (error: unknown) => {
        this.#futures.delete(job);
        future.settle({ ok: false, error });
      },
    );
    this.#engine.submit(job);
    return future;
  }

  async *#mapResults<R>(fn: unknown, iterators: (Iterator<unknown> | AsyncIterator<unknown>)[], chunksize: number, timeout: number | undefined): AsyncGenerator<R> {
    const started = performance.now();
    const futures: Future[] = [];
    try {
      let batch: unknown[][] = [];
      for (;;) {
        const steps = await Promise.all(iterators.map((it) => it.next()));
        if (steps.some((s) => s.done)) break;
        batch.push(steps.map((s) => s.value));
        if (batch.length === chunksize) {
          futures.push(this.#submit(fn, STARMAP, batch, "items"));
          batch = [];
        }
      }
      if (batch.length > 0) futures.push(this.#submit(fn, STARMAP, batch, "items"));
      for (const future of futures) {
        const left = timeout === undefined ? undefined : Math.max(0, timeout - (performance.now() - started));
        for (const value of (await future.result(left)) as R[]) yield value;
      }
    } finally {
      for (const future of futures) future.cancel();
    }
  }
}


