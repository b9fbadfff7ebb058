import { availableParallelism } from "node:os";
import { checkOptionNames, describe, isTaskRef, resolveTask, toTaskSpec, ValueError, type TaskArgs, type TaskLike, type TaskResult } from "@multiproc/core/internal";
import { BrokenPoolError } from "./errors.js";
import { executorMap, type ExecutorMapOptions } from "./executor-map.js";
import { Future } from "./future.js";
import { checkArgs, type AnyIterable } from "./jobs.js";

/** Options of `new ThreadPoolExecutor(options)`. */
export interface ThreadPoolExecutorOptions {
  /** The most calls running at once; default `min(32, cpuCount() + 4)`, as Python's. */
  maxWorkers?: number | undefined;
  /**
   * Runs (and is awaited) once in each worker slot before its first call, as
   * Python's per-thread initializer. If it throws, the executor is broken:
   * pending futures fail with BrokenPoolError, and so do later submits.
   */
  initializer?: TaskLike | undefined;
  /** Arguments for `initializer`. */
  initargs?: unknown[] | undefined;
}

const OPTIONS = ["maxWorkers", "initializer", "initargs"];

type Call = (...args: unknown[]) => unknown;

/** One submitted call: its future, and how to run it (a task reference is imported on first use). */
interface WorkItem {
  readonly future: Future;
  readonly run: () => unknown;
}

/**
 * Python's `concurrent.futures.ThreadPoolExecutor`, for I/O-bound work, on
 * this thread's event loop: Node does I/O without blocking its one
 * JavaScript thread, so what Python needs threads for (many waits on
 * sockets, files, subprocesses at once) a Node program does with
 * concurrent async calls. The executor gives such calls Python's Executor
 * surface (Futures, `map`, `wait`, `asCompleted`, shutdown, cancellation of
 * calls not yet started) and its bound: at most `maxWorkers` run at once,
 * the rest wait in submission order. Calls are plain functions or closures,
 * sync or async (or `task()` references, imported here); nothing is copied,
 * so results and errors arrive as they are. A sync call holds the event
 * loop while it runs: CPU-bound work belongs on a ProcessPoolExecutor.
 *
 * @example
 * ```ts
 * await using ex = new ThreadPoolExecutor({ maxWorkers: 8 });
 * const futures = urls.map((url) => ex.submit(async (u: string) => (await fetch(u)).status, url));
 * for await (const future of asCompleted(futures)) console.log(await future);
 * ```
 */
export class ThreadPoolExecutor {
  readonly #maxWorkers: number;
  readonly #initializer: (() => unknown) | undefined;
  readonly #queue: WorkItem[] = [];
  /** Idle slots waiting for work: waking one hands it the next item. */
  readonly #idle: (() => void)[] = [];
  #slots = 0;
  #shutdown = false;
  #broken: BrokenPoolError | undefined;
  /** Resolved when the last slot ends after shutdown. */
  #ended!: () => void;
  readonly #allEnded = new Promise<void>((resolve) => (this.#ended = resolve));

  constructor(options?: ThreadPoolExecutorOptions) {
    const o = checkOptionNames(options, "ThreadPoolExecutor options", OPTIONS) as ThreadPoolExecutorOptions;
    this.#maxWorkers = checkMaxWorkers(o.maxWorkers);
    if (o.initializer !== undefined) {
      const init = callableOf(o.initializer, "initializer");
      const initargs = checkArgs(o.initargs);
      this.#initializer = () => init(initargs);
    } else if (o.initargs !== undefined) {
      checkArgs(o.initargs);
    }
  }

  /** The most calls running at once. */
  get maxWorkers(): number {
    return this.#maxWorkers;
  }

  /**
   * Schedules `fn(...args)`: it starts once fewer than `maxWorkers` calls
   * run (never before this call returns, so the future can still be
   * cancelled). Throws ValueError after shutdown, BrokenPoolError once broken.
   */
  submit<F extends TaskLike>(fn: F, ...args: TaskArgs<F>): Future<TaskResult<F>> {
    this.#checkOpen();
    const call = callableOf(fn, "fn");
    return this.#submit(() => call(args)) as Future<TaskResult<F>>;
  }

  /**
   * `fn(a[i], b[i], …)` over the iterables (to the shortest), results in
   * order, as `ProcessPoolExecutor.map`: every call is submitted now and the
   * `timeout` counts from now; leaving the iteration early cancels the calls
   * that have not started. `chunksize` is checked and, as in Python, has no
   * effect: each call runs on its own.
   */
  map<F extends TaskLike>(fn: F, ...iterablesAndOptions: (AnyIterable<unknown> | ExecutorMapOptions)[]): AsyncGenerator<TaskResult<F>> {
    this.#checkOpen();
    const call = callableOf(fn, "fn");
    const submitChunk = (rows: unknown[][]) => {
      this.#checkOpen();
      return this.#submit(async () => [await call(rows[0]!)]) as Future<unknown[]>;
    };
    return executorMap<TaskResult<F>>(submitChunk, () => this.#checkOpen(), iterablesAndOptions, false);
  }

  /**
   * No new calls. `wait` (default true): resolve once every call is done;
   * `cancelFutures`: cancel the calls that have not started. Calls already
   * submitted still run, as in Python.
   */
  async shutdown(options: { wait?: boolean; cancelFutures?: boolean } = {}): Promise<void> {
    checkOptionNames(options, "shutdown options", ["wait", "cancelFutures"]);
    this.#shutdown = true;
    if (options.cancelFutures) {
      for (const item of this.#queue.splice(0)) item.future.cancel();
    }
    for (const wake of this.#idle.splice(0)) wake();
    if (this.#slots === 0) this.#ended();
    if (options.wait ?? true) await this.#allEnded;
  }

  /** `await using ex = new ThreadPoolExecutor()`: shutdown({ wait: true }). */
  [Symbol.asyncDispose](): Promise<void> {
    return this.shutdown({ wait: true });
  }

  #checkOpen(): void {
    if (this.#broken) throw new BrokenPoolError(this.#broken.message, { cause: this.#broken.cause });
    if (this.#shutdown) throw new ValueError("Cannot submit after shutdown()");
  }

  #submit(run: () => unknown): Future {
    const future = new Future();
    this.#queue.push({ future, run });
    // As Python's _adjust_thread_count: an idle slot takes it, else a new slot if there is room.
    const idle = this.#idle.shift();
    if (idle) idle();
    else if (this.#slots < this.#maxWorkers) {
      this.#slots++;
      queueMicrotask(() => void this.#slot());
    }
    return future;
  }

  /** One worker slot: the initializer, then the queued calls in order, until shutdown or breakage. */
  async #slot(): Promise<void> {
    try {
      if (this.#initializer && !(await this.#initialize(this.#initializer))) return;
      for (;;) {
        const item = this.#queue.shift();
        if (item) {
          await runItem(item);
          continue;
        }
        if (this.#shutdown || this.#broken) return;
        await new Promise<void>((resolve) => this.#idle.push(resolve));
      }
    } finally {
      if (--this.#slots === 0 && this.#shutdown) this.#ended();
    }
  }

  async #initialize(initializer: () => unknown): Promise<boolean> {
    try {
      await initializer();
      return !this.#broken;
    } catch (error) {
      this.#break(new BrokenPoolError("An initializer of the ThreadPoolExecutor failed; the executor cannot run calls any more", { cause: error }));
      return false;
    }
  }

  /** As Python's BrokenThreadPool: every call not started fails, later submits throw, the slots end. */
  #break(error: BrokenPoolError): void {
    this.#broken ??= error;
    for (const item of this.#queue.splice(0)) {
      if (item.future.setRunningOrNotifyCancel()) item.future.setException(new BrokenPoolError(error.message, { cause: error.cause }));
    }
    for (const wake of this.#idle.splice(0)) wake();
    this.#shutdown = true;
  }
}

async function runItem({ future, run }: WorkItem): Promise<void> {
  if (!future.setRunningOrNotifyCancel()) return; // cancelled while it waited
  try {
    future.setResult(await run());
  } catch (error) {
    future.setException(error);
  }
}

/** A function as it is; a task reference imported (once per module) on its first call. */
export function callableOf(fn: unknown, what: string): (args: readonly unknown[]) => unknown {
  if (typeof fn === "function") return (args) => (fn as Call)(...args);
  if (!isTaskRef(fn)) throw new TypeError(`Expected \`${what}\` to be a function or task(url, exportName), got ${describe(fn)}`);
  const spec = toTaskSpec(fn, what);
  return async (args) => ((await resolveTask(spec)) as Call)(...args);
}

function checkMaxWorkers(value: unknown): number {
  if (value === undefined) return Math.min(32, availableParallelism() + 4);
  if (typeof value !== "number") throw new TypeError(`Expected \`maxWorkers\` to be a positive integer, got ${describe(value)}`);
  if (!Number.isInteger(value) || value < 1) throw new ValueError(`Expected \`maxWorkers\` to be a positive integer, got ${value}`);
  return value;
}
