import { callSignal, checkOptionNames, describe, ValueError } from "@multiproc/core/internal";
import type { TaskArgs, TaskLike, TaskResult } from "@multiproc/core";
import { AsyncResult, CancelledError, IMapIterator, type AnyIterable, type Future, type IMapOutcome, type TaskItem } from "@multiproc/pool";
import { CLIENT_OPTIONS, countOption, JobClient, type ClusterOptions } from "./client.js";
import { chunked } from "./executor.js";
import { encodePayload } from "./payload.js";
import type { PortableTask } from "./task-path.js";

/** Options of `new ClusterPool()`. */
export type ClusterPoolOptions = ClusterOptions;

/** Options of `apply`. */
export interface ClusterCallOptions {
  /**
   * Aborting it fails the task with `signal.reason` at once, and stops its
   * job wherever it is: still here, waiting in Redis (removed), or running
   * on a worker (aborted there: the pool thread running it is stopped and
   * replaced). A job whose task ends in the instant of the abort may still
   * complete; its result is ignored.
   */
  signal?: AbortSignal | undefined;
}

/** Options of `applyAsync`. */
export interface ClusterApplyOptions<R> extends ClusterCallOptions {
  /** Called with the result when the task succeeds (Python's `callback`). */
  callback?: ((value: R) => void) | undefined;
  /** Called with the error when the task fails (Python's `error_callback`). */
  errorCallback?: ((error: unknown) => void) | undefined;
}

/** Options of `map`, `starmap`, `imap` and `imapUnordered`. */
export interface ClusterPoolMapOptions extends ClusterCallOptions {
  /** Items per job; default: about four jobs per worker process serving the queue (map), 1 (imap). */
  chunksize?: number | undefined;
  /** Called as jobs finish, with the items done so far and the total (undefined while a lazy input is not exhausted). */
  onProgress?: ((done: number, total: number | undefined) => void) | undefined;
}

/** Options of `mapAsync` and `starmapAsync`. */
export interface ClusterPoolMapAsyncOptions<R> extends ClusterPoolMapOptions {
  /** Called with all results, in input order, when every task succeeded. */
  callback?: ((values: R[]) => void) | undefined;
  /** Called with the first error when a task fails. */
  errorCallback?: ((error: unknown) => void) | undefined;
}


/** Pool options that mean something for threads on one machine only, and what sets the same across machines. */
const LOCAL_ONLY: Record<string, string> = {
  processes: "its size is the multiproc-worker processes serving the queue and their --threads",
  initializer: "the workers' --preload modules run in each pool thread first",
  initargs: "the workers' --preload modules run in each pool thread first",
  maxtasksperchild: "the workers' pool threads are replaced when they die",
  resourceLimits: "start the workers with node's --max-old-space-size",
  preload: "start the workers with --preload",
};
const APPLY_OPTIONS = ["callback", "errorCallback", "signal"];
const MAP_OPTIONS = ["chunksize", "onProgress", "signal"];
const MAP_ASYNC_OPTIONS = [...MAP_OPTIONS, "callback", "errorCallback"];
/** Jobs an imap keeps out at once: enough to keep workers busy, few enough that an endless input is read lazily. */
const IMAP_WINDOW = 64;

/**
 * Python's `multiprocessing.Pool` across machines, as Ray's
 * `ray.util.multiprocessing.Pool`: the local Pool's methods, with tasks run
 * by `multiproc-worker` processes through a BullMQ queue on Redis.
 * Delivery is at-least-once (see the package README); options that only
 * make sense on one machine are a TypeError that says what to use instead.
 *
 * @example
 * ```ts
 * await using pool = new ClusterPool({ connection: "redis://10.0.0.2:6379" });
 * const digits = task(new URL("./jobs.js", import.meta.url), "factorialDigits");
 * console.log(await pool.map(digits, [10, 100, 1000])); // [7, 158, 2568]
 * ```
 */
export class ClusterPool {
  readonly #client: JobClient;
  /** Every Future this pool made and has not seen settle (terminate fails them). */
  readonly #unsettled = new Set<Future<unknown>>();
  /** Maps whose input is being read or whose chunk size is being worked out (join waits for them too). */
  readonly #preparing = new Set<Promise<unknown>>();
  /** imaps whose input is not read to its end: each reads the rest of it when called (join() calls them). */
  readonly #feeds = new Set<() => Promise<void>>();
  #state: "open" | "closed" | "terminated" = "open";

  constructor(options: ClusterPoolOptions = {}) {
    if (options !== null && typeof options === "object") {
      for (const name of Object.keys(options)) {
        if (Object.hasOwn(LOCAL_ONLY, name)) throw new TypeError(`\`${name}\` has no meaning for a ClusterPool: ${LOCAL_ONLY[name]}`);
      }
    }
    checkOptionNames(options, "ClusterPool options", CLIENT_OPTIONS);
    this.#client = new JobClient(options, "ClusterPool");
  }

  /** `fn(...args)` on a worker. */
  apply<F extends TaskLike>(fn: F, args?: TaskArgs<F>, options?: ClusterCallOptions): Promise<TaskResult<F>> {
    const o = checkCallOptions(options, "apply options", ["signal"]) as ClusterCallOptions;
    return this.#apply(fn, args, o.signal).result() as Promise<TaskResult<F>>;
  }

  /** `apply()` that returns an AsyncResult at once: poll it with `ready()`, or `get()` the result. */
  applyAsync<F extends TaskLike>(fn: F, args?: TaskArgs<F>, options?: ClusterApplyOptions<TaskResult<F>>): AsyncResult<TaskResult<F>> {
    const o = checkCallOptions(options, "apply options", APPLY_OPTIONS) as ClusterApplyOptions<TaskResult<F>>;
    return new AsyncResult(this.#apply(fn, args, o.signal).result() as Promise<TaskResult<F>>, o.callback, o.errorCallback);
  }

  /** `fn(item)` for every item, results in input order. */
  map<F extends TaskLike>(fn: F, iterable: AnyIterable<TaskItem<F>>, options?: ClusterPoolMapOptions): Promise<TaskResult<F>[]> {
    return this.mapAsync(fn, iterable, options).get();
  }

  /** `map()` that returns an AsyncResult at once, resolving to every result in input order. */
  mapAsync<F extends TaskLike>(fn: F, iterable: AnyIterable<TaskItem<F>>, options?: ClusterPoolMapAsyncOptions<TaskResult<F>>): AsyncResult<TaskResult<F>[]> {
    return this.#mapAsync(fn, iterable, options, "map");
  }

  /** `fn(...args)` for every args list, results in input order. */
  starmap<F extends TaskLike>(fn: F, iterable: AnyIterable<TaskArgs<F>>, options?: ClusterPoolMapOptions): Promise<TaskResult<F>[]> {
    return this.starmapAsync(fn, iterable, options).get();
  }

  /** `starmap()` that returns an AsyncResult at once, resolving to every result in input order. */
  starmapAsync<F extends TaskLike>(fn: F, iterable: AnyIterable<TaskArgs<F>>, options?: ClusterPoolMapAsyncOptions<TaskResult<F>>): AsyncResult<TaskResult<F>[]> {
    return this.#mapAsync(fn, iterable, options, "starmap");
  }

  /** A lazy, ordered map: reads the input as jobs go out (chunksize 1 by default, as Python); stopping early drops what has not started. */
  imap<F extends TaskLike>(fn: F, iterable: AnyIterable<TaskItem<F>>, options?: ClusterPoolMapOptions): IMapIterator<TaskResult<F>> {
    return this.#imap(fn, iterable, options, true) as IMapIterator<TaskResult<F>>;
  }

  /** imap, yielding results as they finish. */
  imapUnordered<F extends TaskLike>(fn: F, iterable: AnyIterable<TaskItem<F>>, options?: ClusterPoolMapOptions): IMapIterator<TaskResult<F>> {
    return this.#imap(fn, iterable, options, false) as IMapIterator<TaskResult<F>>;
  }

  /** No new tasks; join() then waits for the queued ones. */
  close(): void {
    if (this.#state === "open") this.#state = "closed";
  }

  /** Waits for every task, then closes the connections; call close() or terminate() first (ValueError otherwise). */
  async join(): Promise<void> {
    if (this.#state === "open") throw new ValueError("Pool is still running: call close() or terminate() before join()");
    // The imaps not read to their end yet are read and sent now, as Python's were from their call on.
    while (this.#feeds.size > 0) await Promise.allSettled([...this.#feeds].map((feed) => feed()));
    await Promise.allSettled([...this.#preparing]);
    await this.#client.drained();
    await this.#client.close();
  }

  /**
   * Stops now: queued jobs are removed from Redis, and every unfinished
   * task fails with CancelledError (a job already running on a worker
   * runs to its end there; its result is ignored). Then the connections close.
   */
  async terminate(): Promise<void> {
    this.#state = "terminated";
    this.#client.cancelAll();
    for (const future of this.#unsettled) {
      if (!future.done()) future.setException(new CancelledError("The pool was terminated (the job may still finish on its worker; its result is ignored)"));
    }
    await this.#client.close();
  }

  /** `await using pool = new ClusterPool()`: terminate() on leaving the block, as Python's `with Pool()`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.terminate();
  }

  #checkOpen(): void {
    if (this.#state !== "open") throw new ValueError("Pool not running");
  }

  #track<T>(future: Future<T>): Future<T> {
    this.#unsettled.add(future as Future<unknown>);
    future.addDoneCallback(() => this.#unsettled.delete(future as Future<unknown>));
    return future;
  }

  #apply(fn: unknown, args: unknown, signal: AbortSignal | undefined): Future<unknown> {
    this.#checkOpen();
    if (args !== undefined && !Array.isArray(args)) throw new TypeError(`Expected \`args\` to be an array, got ${describe(args)}`);
    return this.#track(this.#client.enqueue(this.#client.portable(fn), "apply", encodePayload(args ?? [], "args"), signal));
  }

  #mapAsync<R>(fn: unknown, iterable: AnyIterable<unknown>, options: ClusterPoolMapAsyncOptions<R> | undefined, mode: "map" | "starmap"): AsyncResult<R[]> {
    const o = checkCallOptions(options, "map options", MAP_ASYNC_OPTIONS) as ClusterPoolMapAsyncOptions<R>;
    const chunksize = o.chunksize === undefined ? undefined : countOption(o.chunksize, "chunksize", 1);
    this.#checkOpen();
    const spec = this.#client.portable(fn);
    const call = callSignal(o.signal); // one listener on the caller's signal, however many chunks
    const run = async (items: unknown[]): Promise<R[]> => {
      call.signal?.throwIfAborted();
      if (mode === "starmap") checkArgsLists(items);
      const size = chunksize ?? Math.max(1, Math.ceil(items.length / (4 * Math.max(1, await this.#client.workers()))));
      // Submitted before close() it still runs (as Python's); terminate() meanwhile cancels it.
      if (this.#state === "terminated") throw new CancelledError("The pool was terminated");
      const futures = this.#client.enqueueChunks(spec, mode, chunked(items, size), call.signal).map((f) => this.#track(f));
      let done = 0;
      const results = await Promise.all(
        futures.map(async (future) => {
          const values = (await future.result()) as R[];
          done += values.length;
          o.onProgress?.(done, items.length);
          return values;
        }),
      );
      return results.flat();
    };
    // An array is checked and queued now (its errors are the call's); a lazy input once it is read.
    const promise = Array.isArray(iterable) ? Promise.resolve().then(() => run(iterable)) : collect(iterable).then(run);
    this.#preparing.add(promise);
    const forget = () => {
      this.#preparing.delete(promise);
      call.release();
    };
    promise.then(forget, forget);
    return new AsyncResult(promise, o.callback, o.errorCallback);
  }

  #imap(fn: unknown, iterable: AnyIterable<unknown>, options: ClusterPoolMapOptions | undefined, ordered: boolean): IMapIterator<unknown> {
    const o = checkCallOptions(options, "imap options", MAP_OPTIONS) as ClusterPoolMapOptions;
    const chunksize = countOption(o.chunksize, "chunksize", 1);
    this.#checkOpen();
    const spec = this.#client.portable(fn);
    return new IMapIterator(this.#outcomes(spec, iteratorOf(iterable), o, chunksize, ordered));
  }

  /**
   * imap's results in their turn, or a failed job's error in its place (one
   * for the job's chunk), going on after it, as the local Pool's (see
   * IMapIterator); an abort ends it. The input counts as submitted at the
   * call, as in Python: after close() it is still read and sent, and join()
   * reads it to its end first.
   */
  #outcomes(
    spec: PortableTask,
    iterator: Iterator<unknown> | AsyncIterator<unknown>,
    o: ClusterPoolMapOptions,
    chunksize: number,
    ordered: boolean,
  ): AsyncGenerator<IMapOutcome<unknown>, void, undefined> {
    let call: ReturnType<typeof callSignal> | undefined; // made at the first read
    type Out = { future: Future<unknown>; size: number };
    const out = new Set<Out>(); // in submission order
    // imapUnordered takes jobs as they settle, from this queue (a join() may have sent a whole input).
    const arrived: Out[] = [];
    let arrival: (() => void) | undefined;
    let read = 0;
    /** No more reading: the input ended or broke, or the pool was terminated. */
    let exhausted = false;
    /** The input iterator is done (or threw): it needs no return(). */
    let inputEnded = false;
    let stopped = false;
    let inputFailure: { error: unknown } | undefined;
    let filling: Promise<void> = Promise.resolve();
    const feeds = this.#feeds;
    const feed = () => fill(Infinity);
    feeds.add(feed);

    /** Reads and sends jobs while fewer than `limit` are out; one fill at a time. */
    const fill = (limit: number): Promise<void> => {
      const run = filling.then(async () => {
        try {
          o.signal?.throwIfAborted(); // (at the first next(), as the local Pool's imap)
          call ??= callSignal(o.signal); // one listener on the caller's signal, however many jobs
          while (!exhausted && !stopped && out.size < limit) {
            call.signal?.throwIfAborted();
            const items: unknown[] = [];
            while (items.length < chunksize) {
              let step: IteratorResult<unknown>;
              try {
                step = await iterator.next();
              } catch (error) {
                inputEnded = true; // a throwing input is done: no return() is due
                throw error;
              }
              if (step.done) {
                exhausted = inputEnded = true;
                break;
              }
              items.push(step.value);
            }
            if (items.length === 0) break;
            if (this.#state === "terminated") throw new CancelledError("The pool was terminated");
            const [future] = this.#client.enqueueChunks(spec, "map", [{ items, from: read }], call.signal).map((f) => this.#track(f));
            const entry = { future: future!, size: items.length };
            out.add(entry);
            if (!ordered) {
              future!.addDoneCallback(() => {
                arrived.push(entry);
                arrival?.();
              });
            }
            read += items.length;
          }
        } catch (error) {
          // A broken input (or an abort, a terminated pool) ends the reading;
          // as in Python, the results of the jobs out come first, then this error.
          exhausted = true;
          inputFailure ??= { error };
        } finally {
          if (exhausted) feeds.delete(feed);
        }
      });
      filling = run.catch(() => {});
      return run;
    };

    async function nextArrived(): Promise<Out> {
      while (arrived.length === 0) await new Promise<void>((resolve) => (arrival = resolve));
      arrival = undefined;
      return arrived.shift()!;
    }

    async function* outcomes(): AsyncGenerator<IMapOutcome<unknown>, void, undefined> {
      let done = 0;
      try {
        for (;;) {
          // Keep up to IMAP_WINDOW jobs out, reading the input only as far as that.
          await fill(IMAP_WINDOW);
          if (out.size === 0) {
            if (inputFailure) throw inputFailure.error;
            return;
          }
          const next = ordered ? out.values().next().value! : await nextArrived();
          out.delete(next);
          done += next.size;
          let values: unknown[];
          try {
            values = (await next.future.result()) as unknown[];
          } catch (error) {
            if (call?.signal?.aborted) throw error; // an abort stops the whole call
            o.onProgress?.(done, exhausted ? read : undefined);
            yield { error };
            continue;
          }
          o.onProgress?.(done, exhausted ? read : undefined);
          yield { values };
        }
      } finally {
        stopped = true;
        await filling; // (a join() may be reading the input: it stops at its next chunk)
        feeds.delete(feed);
        call?.release();
        for (const { future } of out) future.cancel(); // stopped early: what has not started is dropped
        if (!inputEnded) await (iterator as AsyncIterator<unknown>).return?.();
      }
    }
    return outcomes();
  }
}

function checkCallOptions(options: unknown, what: string, names: string[]): object {
  const o = checkOptionNames(options as object | undefined, what, names) as ClusterCallOptions;
  if (o.signal !== undefined && !(o.signal instanceof AbortSignal)) throw new TypeError(`Expected \`signal\` to be an AbortSignal, got ${describe(o.signal)}`);
  return o;
}

function checkArgsLists(items: unknown[]): void {
  items.forEach((args, i) => {
    if (!Array.isArray(args)) throw new TypeError(`Expected item ${i} of starmap's iterable to be an array of arguments, got ${describe(args)}`);
  });
}

function iteratorOf(iterable: AnyIterable<unknown>): Iterator<unknown> | AsyncIterator<unknown> {
  const source = iterable as Partial<Iterable<unknown> & AsyncIterable<unknown>> | null | undefined;
  if (typeof source?.[Symbol.asyncIterator] === "function") return source[Symbol.asyncIterator]!();
  if (typeof source?.[Symbol.iterator] === "function") return source[Symbol.iterator]!();
  throw new TypeError(`Expected \`iterable\` to be an iterable or an async iterable, got ${describe(iterable)}`);
}

async function collect(iterable: AnyIterable<unknown>): Promise<unknown[]> {
  const iterator = iteratorOf(iterable);
  const all: unknown[] = [];
  for (let step = await iterator.next(); !step.done; step = await iterator.next()) all.push(step.value);
  return all;
}
