import { checkOptionNames, deadlineOf, describe, remaining, ValueError } from "@multiproc/core/internal";
import type { TaskArgs, TaskLike, TaskResult } from "@multiproc/core";
import type { Future } from "@multiproc/pool";
import { countOption, JobClient, type ClusterOptions } from "./client.js";
import { encodePayload } from "./payload.js";

/** Options of `new ClusterExecutor()`. */
export type ClusterExecutorOptions = ClusterOptions;

/** Options of `executor.map()`. */
export interface ClusterMapOptions {
  /** Calls per job (default 1): each job costs Redis round trips (~0.3 ms here), so tiny calls want chunks of 100 or more. */
  chunksize?: number;
  /** Python's `timeout`, in ms from the call: a result not there by then throws TimeoutError where it is read, and the calls not started are dropped. */
  timeout?: number;
  /** Called as jobs finish (in the order they finish), with the calls done so far and the total. */
  onProgress?: (done: number, total: number) => void;
}

/**
 * Python's `concurrent.futures` Executor across machines: tasks run on
 * `multiproc-worker` processes on any number of hosts, through a BullMQ
 * queue on Redis; `submit()` returns the same `Future` as the local
 * executors (`wait`, `asCompleted` work on it). Delivery is at-least-once:
 * a task whose worker process dies runs again elsewhere; each Future
 * settles exactly once.
 *
 * @example
 * ```ts
 * await using executor = new ClusterExecutor({ connection: "redis://10.0.0.2:6379" });
 * const digits = task(new URL("./jobs.js", import.meta.url), "factorialDigits");
 * console.log(await executor.submit(digits, 1000));
 * ```
 */
export class ClusterExecutor {
  readonly #client: JobClient;
  #shutdown = false;

  constructor(options: ClusterExecutorOptions = {}) {
    this.#client = new JobClient(options, "ClusterExecutor");
  }

  /** Schedules `fn(...args)` on a worker (Python's `submit`): a Future of its result. TypeError at once for what cannot travel. */
  submit<F extends TaskLike>(fn: F, ...args: TaskArgs<F>): Future<TaskResult<F>> {
    this.#checkOpen();
    return this.#client.enqueue(this.#client.portable(fn), "apply", encodePayload(args, "args")) as Future<TaskResult<F>>;
  }

  /**
   * Python's `executor.map(fn, *iterables, chunksize)`: every call is
   * scheduled now (in jobs of `chunksize` calls), and the results come in
   * order; the first error is thrown where its result would be.
   */
  async *map<F extends TaskLike>(fn: F, ...iterablesAndOptions: (Iterable<unknown> | ClusterMapOptions)[]): AsyncGenerator<TaskResult<F>> {
    this.#checkOpen();
    const last = iterablesAndOptions[iterablesAndOptions.length - 1];
    const hasOptions = last !== undefined && typeof last === "object" && !(Symbol.iterator in (last as object));
    const options = (hasOptions ? last : {}) as ClusterMapOptions;
    const iterables = (hasOptions ? iterablesAndOptions.slice(0, -1) : iterablesAndOptions) as Iterable<unknown>[];
    checkOptionNames(options, "map options", ["chunksize", "timeout", "onProgress"]);
    const chunksize = countOption(options.chunksize, "chunksize", 1);
    const deadline = deadlineOf(options.timeout);
    const { onProgress } = options;
    if (onProgress !== undefined && typeof onProgress !== "function") throw new TypeError(`Expected \`onProgress\` to be a function, got ${describe(onProgress)}`);
    const spec = this.#client.portable(fn);
    // One iterable: chunks of single args ("map"); more: chunks of zipped args lists ("starmap").
    const mode = iterables.length === 1 ? "map" : "starmap";
    const calls = mode === "map" ? [...checkIterable(iterables[0], 0)] : zip(iterables);
    const chunks = this.#client.enqueueChunks(spec, mode, chunked(calls, chunksize));
    if (onProgress) reportProgress(chunks, calls.length, onProgress);
    try {
      for (const chunk of chunks) for (const value of (await chunk.result(remaining(deadline))) as unknown[]) yield value as TaskResult<F>;
    } finally {
      for (const chunk of chunks) chunk.cancel(); // a reader that stops early: the calls not started are dropped
    }
  }

  /**
   * Python's `shutdown(wait, cancel_futures)`: no more submits
   * (ValueError); `cancelFutures` cancels what has not started; `wait`
   * (default true) waits for the rest. Then the connections close.
   */
  async shutdown({ wait = true, cancelFutures = false }: { wait?: boolean; cancelFutures?: boolean } = {}): Promise<void> {
    this.#shutdown = true;
    if (cancelFutures) this.#client.cancelAll();
    if (wait) await this.#client.drained();
    await this.#client.close();
  }

  /** `await using executor = new ClusterExecutor()`: shutdown() on leaving the block. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.shutdown();
  }

  #checkOpen(): void {
    if (this.#shutdown) throw new ValueError("cannot schedule new futures after shutdown");
  }
}

/** Calls `onProgress(done, total)` as each chunk's job succeeds. */
function reportProgress(chunks: Future<unknown>[], total: number, onProgress: (done: number, total: number) => void): void {
  let done = 0;
  for (const chunk of chunks) {
    chunk.then(
      (values) => {
        done += (values as unknown[]).length;
        onProgress(done, total);
      },
      () => {}, // its error (or cancellation) is thrown where the map reads it
    );
  }
}

/** `items` in chunks of `size`, each with the index of its first item. */
export function chunked(items: unknown[], size: number): { items: unknown[]; from: number }[] {
  const chunks: { items: unknown[]; from: number }[] = [];
  for (let from = 0; from < items.length; from += size) chunks.push({ items: items.slice(from, from + size), from });
  return chunks;
}

/** Python's zip over the iterables: one call's args per position, up to the shortest. */
function zip(iterables: Iterable<unknown>[]): unknown[][] {
  if (iterables.length === 0) throw new TypeError("map() needs at least one iterable of arguments");
  const arrays = iterables.map((iterable, i) => [...checkIterable(iterable, i)]);
  const length = Math.min(...arrays.map((a) => a.length));
  return Array.from({ length }, (_, i) => arrays.map((a) => a[i]));
}

function checkIterable(iterable: unknown, i: number): Iterable<unknown> {
  if (iterable === null || typeof (iterable as Iterable<unknown>)?.[Symbol.iterator] !== "function") throw new TypeError(`Expected argument ${i + 2} of map() to be iterable, got ${describe(iterable)}`);
  return iterable as Iterable<unknown>;
}
