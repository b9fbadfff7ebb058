import { callSignal, describe, discardEncoded, encode } from "@multiproc/core/internal";
import type { Engine, Job } from "./engine.js";
import { autoChunksize, prepareJob, readChunk } from "./jobs.js";
import type { Mode } from "./protocol.js";
import { taskPayload } from "./messages.js";
import type { Outcome } from "./imap-iterator.js";

/** Options of `map`, `starmap`, `imap` and `imapUnordered`. */
export interface MapOptions {
  /** Items per task sent to a worker; by default about four chunks per worker (map) or 1 (imap). */
  chunksize?: number | undefined;
  /** Aborts every task of the map: queued ones are dropped, running ones' workers are replaced. */
  signal?: AbortSignal | undefined;
  /** Called as chunks finish, with the items done so far and the total (undefined while a lazy input is not exhausted). */
  onProgress?: ((done: number, total: number | undefined) => void) | undefined;
}

/**
 * Chunks of `items` as jobs, all prepared before any is submitted, so an
 * unsendable item throws (naming its index) and nothing was queued.
 */
function prepareChunks(engine: Engine, fn: unknown, mode: Mode, items: unknown[], size: number, signal: AbortSignal | undefined) {
  const prepared: { job: Job; promise: Promise<unknown[]> }[] = [];
  try {
    for (let start = 0; start < items.length; start += size) {
      prepared.push(prepareJob<unknown[]>(engine, fn, mode, items.slice(start, start + size), "items", signal));
    }
  } catch (error) {
    for (const { job } of prepared) discardEncoded(taskPayload(job.message));
    throw error instanceof TypeError ? nameUnsendable(items, error) : error;
  }
  return prepared;
}

/** The TypeError for the first unsendable item, with its index in the whole input. */
function nameUnsendable(items: unknown[], error: TypeError): TypeError {
  for (let i = 0; i < items.length; i++) {
    try {
      discardEncoded(encode(items[i], `iterable[${i}]`));
    } catch (itemError) {
      return itemError as TypeError;
    }
  }
  return error;
}

/** The whole map at once: results in input order; the first failure rejects it and drops its queued chunks. */
export function mapAll<R>(engine: Engine, fn: unknown, items: unknown[], mode: Mode, options: MapOptions, chunksize: number | undefined): Promise<R[]> {
  const size = chunksize ?? autoChunksize(items.length, engine.size);
  const call = callSignal(options.signal);
  let chunks: ReturnType<typeof prepareChunks>;
  try {
    chunks = prepareChunks(engine, fn, mode, items, size, call.signal);
  } catch (error) {
    call.release();
    throw error;
  }
  for (const { job } of chunks) engine.submit(job);
  const out = new Array<R>(items.length);
  const settled = new Promise<R[]>((resolve, reject) => {
    let left = chunks.length;
    let done = 0;
    let failed = false;
    if (left === 0) resolve(out);
    chunks.forEach(({ promise }, k) => {
      promise.then(
        (values) => {
          for (let i = 0; i < values.length; i++) out[k * size + i] = values[i] as R;
          done += values.length;
          options.onProgress?.(done, items.length);
          if (--left === 0 && !failed) resolve(out);
        },
        (error: unknown) => {
          if (failed) return;
          failed = true;
          for (const chunk of chunks) engine.cancelQueued(chunk.job);
          reject(error);
        },
      );
    });
  });
  void settled.then(call.release, call.release);
  return settled;
}

/**
 * imap and imapUnordered: reads the input a chunk at a time, keeping a
 * bounded number of chunks in flight (two per worker), so an endless input
 * works and a consumer that stops early stops the reading and the queued
 * work. Yields each chunk's results in their turn, or a failed chunk's
 * error in its place (its items have no results), and goes on after it
 * (see IMapIterator).
 *
 * The input counts as submitted at the call, as Python's imap feeds its
 * tasks from there on: it is an open feed of the engine, which may go on
 * submitting after `close()`, and `join()` reads it to its end first.
 */
export function mapLazily<R>(
  engine: Engine,
  fn: unknown,
  iterator: Iterator<unknown> | AsyncIterator<unknown>,
  mode: Mode,
  options: MapOptions,
  chunksize: number,
  ordered: boolean,
): AsyncGenerator<Outcome<R>, void, undefined> {
  if (options.signal !== undefined && !(options.signal instanceof AbortSignal)) throw new TypeError(`Expected \`signal\` to be an AbortSignal, got ${describe(options.signal)}`);
  let call: ReturnType<typeof callSignal> | undefined; // made at the first read
  /** The reader stopped (break, return(), the end): nothing more is read. */
  let stopped = false;
  type Settled = { key: number; values?: unknown[]; error?: unknown };
  const inFlight = new Map<number, { job: Job; size: number; settled: Promise<Settled> }>();
  const finished = new Map<number, Outcome<R>>();
  // imapUnordered takes chunks as they settle, from this queue: a race over
  // every chunk out would cost each result a pass over them all (a join()
  // may have sent a whole input).
  const arrived: Settled[] = [];
  let arrival: (() => void) | undefined;
  let nextKey = 0;
  let exhausted = false;
  /** The input iterator has ended (done, or it threw): no return() is due. */
  let inputClosed = false;
  let read = 0;
  // Reading the input (or sending a chunk of it) failed: as in Python, the
  // results of the chunks before come first, then this error.
  let inputFailure: { error: unknown } | undefined;
  const feed = engine.openFeed(() => fill(Infinity));
  let filling: Promise<void> = Promise.resolve();

  /** Reads and submits chunks while fewer than `limit` are out or waiting to be yielded; one fill at a time. */
  function fill(limit: number): Promise<void> {
    const run = filling.then(async () => {
      call ??= callSignal(options.signal);
      while (!exhausted && !stopped && inFlight.size + finished.size < limit) {
        if (call.signal?.aborted) {
          inputFailure ??= { error: call.signal.reason }; // an abort ends the reading (join() stops draining it)
          exhausted = true;
          break;
        }
        let items: unknown[] = [];
        let job: Job;
        let promise: Promise<unknown[]>;
        let reading = true;
        try {
          items = await readChunk(iterator, chunksize);
          reading = false;
          if (items.length < chunksize) exhausted = inputClosed = true;
          if (items.length === 0) break;
          ({ job, promise } = prepareJob<unknown[]>(engine, fn, mode, items, "items", call.signal, undefined, true));
        } catch (error) {
          // A read that threw ends the input (its partial chunk is dropped, as
          // Python drops it); an unsendable chunk leaves the input to close.
          inputClosed ||= reading;
          inputFailure = { error };
          exhausted = true;
          break;
        }
        read += items.length;
        const key = nextKey++;
        engine.submit(job, true);
        const settled = promise.then(
          (values) => ({ key, values }),
          (error: unknown) => ({ key, error }),
        );
        inFlight.set(key, { job, size: items.length, settled });
        if (!ordered) {
          void settled.then((outcome) => {
            arrived.push(outcome);
            arrival?.();
          });
        }
      }
      if (exhausted) feed.close();
    });
    filling = run.catch(() => {});
    return run;
  }

  async function nextArrived(): Promise<Settled> {
    while (arrived.length === 0) await new Promise<void>((resolve) => (arrival = resolve));
    arrival = undefined;
    return arrived.shift()!;
  }

  async function* outcomes(): AsyncGenerator<Outcome<R>, void, undefined> {
    const window = engine.size * 2;
    let nextToYield = 0;
    let done = 0;
    try {
      for (;;) {
        await fill(window);
        if (inFlight.size === 0 && finished.size === 0) {
          if (inputFailure) throw inputFailure.error;
          return;
        }
        if (ordered && finished.has(nextToYield)) {
          const outcome = finished.get(nextToYield)!;
          finished.delete(nextToYield++);
          yield outcome;
          continue;
        }
        const outcome = ordered ? await inFlight.get(nextToYield)!.settled : await nextArrived();
        // An abort stops the whole call: it ends the iteration, where a task's own error does not.
        if ("error" in outcome && call?.signal?.aborted) throw outcome.error;
        done += "error" in outcome ? inFlight.get(outcome.key)!.size : outcome.values!.length;
        inFlight.delete(outcome.key);
        options.onProgress?.(done, exhausted ? read : undefined);
        const chunk: Outcome<R> = "error" in outcome ? { error: outcome.error } : { values: outcome.values as R[] };
        if (ordered) finished.set(outcome.key, chunk);
        else yield chunk;
      }
    } finally {
      stopped = true;
      await filling; // (a join() may be reading the input: it stops at its next chunk)
      feed.close();
      call?.release();
      for (const { job } of inFlight.values()) engine.cancelQueued(job);
      if (!inputClosed) await (iterator as AsyncIterator<unknown>).return?.();
    }
  }
  return outcomes();
}
