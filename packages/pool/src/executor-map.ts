import { checkOptionNames, deadlineOf, remaining, TimeoutError, waitForPromise } from "@multiproc/core/internal";
import type { Future } from "./future.js";
import { checkChunksize, iteratorOf, type AnyIterable } from "./jobs.js";

/** Options of `executor.map(fn, ...iterables, options)`: pass them as the last argument. */
export interface ExecutorMapOptions {
  /** ms from the call until every result must be there; the iteration throws TimeoutError after. */
  timeout?: number | undefined;
  /** Calls per task sent to a worker (default 1, as Python). A ThreadPoolExecutor checks it and, as Python's, runs each call on its own. */
  chunksize?: number | undefined;
}

/** Submits one chunk of rows (each row: the args of one call); its future resolves to the chunk's results. */
export type SubmitChunk = (rows: unknown[][]) => Future<unknown[]>;

type Iter = Iterator<unknown> | AsyncIterator<unknown>;

/**
 * The calls of one `map()`: futures of the chunks submitted so far, and how
 * reading the input ended (an async input is read in the background).
 */
interface MapFeed {
  futures: Future<unknown[]>[];
  ended: boolean;
  failure: { error: unknown } | undefined;
  /** Resolves the wait of the results iterator for the next future or the end. */
  changed: (() => void) | undefined;
}

/**
 * `executor.map(fn, ...iterables, options?)` for both executors, as
 * Python's `Executor.map`: every call is submitted now (in chunks), the
 * timeout counts from now, an input or argument that fails throws here. An
 * async iterable is read from now on in the background; if reading it fails,
 * the iteration throws that error after the results before it. Leaving the
 * iteration early cancels the calls that have not started.
 */
export function executorMap<R>(
  submitChunk: SubmitChunk,
  checkOpen: () => void,
  iterablesAndOptions: readonly (AnyIterable<unknown> | ExecutorMapOptions)[],
  chunked: boolean,
): AsyncGenerator<R> {
  const last = iterablesAndOptions.at(-1);
  const hasOptions = last !== undefined && typeof last === "object" && last !== null && !(Symbol.iterator in last) && !(Symbol.asyncIterator in last);
  const options = (hasOptions ? checkOptionNames(last, "map options", ["timeout", "chunksize"]) : {}) as ExecutorMapOptions;
  const iterables = (hasOptions ? iterablesAndOptions.slice(0, -1) : iterablesAndOptions) as AnyIterable<unknown>[];
  const given = checkChunksize(options.chunksize) ?? 1;
  const chunksize = chunked ? given : 1;
  const deadline = deadlineOf(options.timeout);
  if (iterables.length === 0) throw new TypeError("map() needs at least one iterable");
  const iterators = iterables.map((it, i) => iteratorOf(it, `iterables[${i}]`));
  const feed: MapFeed = { futures: [], ended: false, failure: undefined, changed: undefined };
  if (iterables.every((it) => typeof (it as Partial<AsyncIterable<unknown>>)[Symbol.asyncIterator] !== "function")) {
    try {
      submitRows(submitChunk, () => zipSync(iterators as Iterator<unknown>[]), chunksize, feed);
    } catch (error) {
      for (const future of feed.futures) future.cancel();
      throw error;
    }
    feed.ended = true;
  } else {
    void submitAsyncRows(submitChunk, checkOpen, iterators, chunksize, feed);
  }
  return results<R>(feed, deadline);
}

/** Submits the rows `next()` gives, `chunksize` per chunk; `next` returns undefined at the end. */
function submitRows(submitChunk: SubmitChunk, next: () => unknown[] | undefined, chunksize: number, feed: MapFeed): void {
  let batch: unknown[][] = [];
  for (let row = next(); row; row = next()) {
    batch.push(row);
    if (batch.length === chunksize) {
      feed.futures.push(submitChunk(batch));
      batch = [];
    }
  }
  if (batch.length > 0) feed.futures.push(submitChunk(batch));
}

async function submitAsyncRows(submitChunk: SubmitChunk, checkOpen: () => void, iterators: Iter[], chunksize: number, feed: MapFeed): Promise<void> {
  try {
    for (;;) {
      const batch: unknown[][] = [];
      while (batch.length < chunksize) {
        const steps = await Promise.all(iterators.map((it) => it.next()));
        if (steps.some((s) => s.done)) break;
        batch.push(steps.map((s) => s.value));
      }
      if (batch.length > 0) {
        checkOpen();
        feed.futures.push(submitChunk(batch));
        feed.changed?.();
      }
      if (batch.length < chunksize) break;
    }
  } catch (error) {
    feed.failure = { error };
  }
  feed.ended = true;
  feed.changed?.();
}

async function* results<R>(feed: MapFeed, deadline: number): AsyncGenerator<R> {
  try {
    for (let i = 0; ; i++) {
      while (i >= feed.futures.length && !feed.ended) {
        const changed = new Promise<void>((resolve) => (feed.changed = resolve));
        if (!(await waitForPromise(changed, remaining(deadline)))) throw new TimeoutError("The input of map() was not read within its timeout");
      }
      if (i >= feed.futures.length) break;
      for (const value of (await feed.futures[i]!.result(remaining(deadline))) as R[]) yield value;
    }
    if (feed.failure) throw feed.failure.error;
  } finally {
    for (const future of feed.futures) future.cancel();
  }
}

/** The next row of a zip over sync iterators, or undefined once one is exhausted. */
function zipSync(iterators: Iterator<unknown>[]): unknown[] | undefined {
  const row: unknown[] = [];
  for (const it of iterators) {
    const step = it.next();
    if (step.done) return undefined;
    row.push(step.value);
  }
  return row;
}
