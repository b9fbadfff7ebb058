import { setMaxListeners } from "node:events";
import { TimeoutError, type TaskLike } from "@multiproc/core/internal";
import { shortTime, skipProgressLine, type AutoBatchSize } from "./auto-batch.js";
import { CancelledError } from "./errors.js";
import { prepareJob } from "./jobs.js";
import type { CallSource } from "./parallel-source.js";
import { engineOf } from "./pool.js";
import { MAP, STARMAP } from "./protocol.js";
import { acquirePool } from "./reusable-pool.js";
import { callableOf, ThreadPoolExecutor } from "./thread-pool-executor.js";

/** Where a Parallel call's batches run: workers of the reusable pool, or slots of a ThreadPoolExecutor on this thread. */
export interface Backend {
  readonly name: "process" | "thread" | "sequential";
  readonly workers: number;
  /**
   * The adaptive batch size for calls of `fn`, kept between calls; undefined
   * where there is none: joblib batches automatically only for process
   * backends (a hand-off to a thread of the event loop costs nothing to amortise).
   */
  batchSizer(fn: TaskLike): AutoBatchSize | undefined;
  /** Runs `fn` on each item (its one argument, or with `single` false its argument list), in order, as one unit; resolves to the results. */
  submit(fn: TaskLike, items: unknown[], single: boolean): Promise<unknown[]>;
  /** The call is over: drop what is queued, stop what runs (`stopping`), give the workers back. */
  end(stopping: boolean): void;
}

export function processBackend(workers: number): Backend {
  const { pool, batchSizer, release } = acquirePool(workers);
  const engine = engineOf(pool);
  const controller = new AbortController();
  setMaxListeners(0, controller.signal); // one listener per batch in flight, by design
  return {
    name: "process",
    workers,
    batchSizer,
    submit(fn, items, single) {
      const { job, promise } = prepareJob<unknown[]>(engine, fn, single ? MAP : STARMAP, items, "items", controller.signal);
      engine.submit(job);
      return promise;
    },
    end(stopping) {
      // Queued batches are dropped; running ones' workers are stopped and replaced (as joblib terminates its workers).
      if (stopping) controller.abort(new CancelledError("The Parallel call ended before this batch ran"));
      release();
    },
  };
}

export function threadBackend(workers: number, name: "thread" | "sequential"): Backend {
  const executor = new ThreadPoolExecutor({ maxWorkers: workers });
  return {
    name,
    workers,
    batchSizer: () => undefined,
    submit(fn, items, single) {
      const call = callableOf(fn, "fn");
      return executor
        .submit(async () => {
          const out: unknown[] = [];
          for (const item of items) out.push(await call(single ? [item] : (item as unknown[])));
          return out;
        })
        .result();
    },
    end() {
      void executor.shutdown({ wait: false, cancelFutures: true });
    },
  };
}

/** What a Parallel call was given, checked. */
export interface RunSettings {
  readonly batchSize: number | "auto";
  /** Batches that may be out at once (joblib's pre-dispatch, in batches). */
  readonly ahead: number;
  /** Count results waiting to be yielded against `ahead` (generators: a slow reader holds the work back). */
  readonly bounded: boolean;
  /** Results go to the reader in input order (else as batches finish). */
  readonly ordered: boolean;
  readonly timeout: number | undefined;
  readonly verbose: number;
  readonly onProgress: ((done: number, total: number | undefined) => void) | undefined;
  readonly label: string;
}

interface Batch {
  /** Batches are numbered in input order. */
  readonly key: number;
  readonly fn: TaskLike;
  readonly single: boolean;
  readonly items: unknown[];
  startedAt: number;
  timer: ReturnType<typeof setTimeout> | undefined;
}

/** A finished batch and its results. */
interface Done {
  readonly key: number;
  readonly values: unknown[];
}

/**
 * One call of a Parallel: reads the delayed calls as room frees up, groups
 * them in batches (consecutive calls of one function), keeps `ahead`
 * batches out, and gathers the results for the reader. The first failure
 * (a call's error, a batch over the timeout, a bad input) ends the run: the
 * rest is dropped or stopped, and the reader gets that error.
 */
export class ParallelRun {
  readonly #backend: Backend;
  readonly #input: CallSource;
  readonly #settings: RunSettings;
  /** Set from the first calls read: the batch size learned for their function (auto batching only). */
  #sizer: AutoBatchSize | undefined;
  readonly #ready: Batch[] = [];
  readonly #inFlight = new Map<number, Batch>();
  readonly #finished = new Map<number, Done>();
  /** Finished batches in completion order, for an unordered reader. */
  readonly #arrivals: Done[] = [];
  readonly #startedAt = performance.now();
  #nextKey = 0;
  #read = 0;
  #done = 0;
  #batchesDone = 0;
  #exhausted = false;
  #filling = false;
  #ended = false;
  #failure: { error: unknown } | undefined;
  #changed: (() => void) | undefined;

  constructor(backend: Backend, input: CallSource, settings: RunSettings) {
    this.#backend = backend;
    this.#input = input;
    this.#settings = settings;
    if (settings.verbose > 0) this.#print(`Using backend ${backend.name} with ${backend.workers} concurrent workers.`);
    if (settings.batchSize === "auto" && input.fn !== undefined) this.#sizer = backend.batchSizer(input.fn);
    void this.#fill();
  }

  /** The results, in input order or as their batches finish (settings.ordered). */
  async *results(): AsyncGenerator<unknown> {
    const batches = this.#settings.ordered ? this.#ordered() : this.#unordered();
    for await (const values of batches) yield* values;
  }

  /** Every result, in input order (a batch at a time: no async step per result). */
  async all(): Promise<unknown[]> {
    const batches: unknown[][] = [];
    for await (const values of this.#ordered()) batches.push(values);
    return flatten(batches);
  }

  /** The results of each batch, in input order. */
  async *#ordered(): AsyncGenerator<unknown[]> {
    try {
      for (let key = 0; ; ) {
        const done = this.#finished.get(key);
        if (done) {
          this.#finished.delete(key++);
          void this.#fill();
          yield done.values;
          continue;
        }
        if (this.#failure) throw this.#failure.error;
        if (this.#exhausted && !this.#filling && this.#ready.length === 0 && this.#inFlight.size === 0 && this.#finished.size === 0) return;
        await this.#nextChange();
      }
    } finally {
      this.end(new CancelledError("The reader of the Parallel call stopped early"));
    }
  }

  /** The results of each batch, as batches finish. */
  async *#unordered(): AsyncGenerator<unknown[]> {
    try {
      for (;;) {
        const done = this.#arrivals.shift();
        if (done) {
          void this.#fill();
          yield done.values;
          continue;
        }
        if (this.#failure) throw this.#failure.error;
        if (this.#exhausted && !this.#filling && this.#ready.length === 0 && this.#inFlight.size === 0) return;
        await this.#nextChange();
      }
    } finally {
      this.end(new CancelledError("The reader of the Parallel call stopped early"));
    }
  }

  /** Ends the run (idempotent): the reader, if still waiting, gets `error`; the input is closed; the workers are given back. */
  end(error: unknown): void {
    if (this.#ended) return;
    this.#ended = true;
    const stopping = this.#inFlight.size > 0;
    for (const batch of this.#inFlight.values()) if (batch.timer) clearTimeout(batch.timer);
    this.#failure ??= { error };
    this.#backend.end(stopping);
    if (!this.#exhausted) {
      this.#exhausted = true;
      this.#input.close();
    }
    this.#wake();
  }

  #nextChange(): Promise<void> {
    return new Promise((resolve) => (this.#changed = resolve));
  }

  #wake(): void {
    const changed = this.#changed;
    this.#changed = undefined;
    changed?.();
  }

  #room(): boolean {
    const waiting = this.#finished.size + this.#arrivals.length;
    const out = this.#inFlight.size + (this.#settings.bounded ? waiting : 0);
    return out < this.#settings.ahead;
  }

  /** Submits batches while there is room, reading more input as needed; one fill at a time. */
  async #fill(): Promise<void> {
    if (this.#filling || this.#ended) return;
    this.#filling = true;
    try {
      while (!this.#ended && this.#room()) {
        const batch = this.#ready.shift();
        if (batch) this.#submit(batch);
        else if (this.#exhausted) break;
        else await this.#readSlice();
      }
    } catch (error) {
      this.#fail(error);
    } finally {
      this.#filling = false;
      this.#wake();
    }
  }

  /**
   * Reads up to a batch per worker of calls, as joblib: split into one batch
   * per worker, or, when an input of unknown length ends within the slice,
   * into ten times smaller batches, so the last ones balance across the
   * workers. (With a known length, the batches are already capped to balance.)
   */
  async #readSlice(): Promise<void> {
    const { batchSize } = this.#settings;
    const size = batchSize !== "auto" ? batchSize : this.#autoSize();
    const want = size * this.#backend.workers;
    const { runs, ended } = await this.#input.read(want);
    if (this.#ended) return;
    if (batchSize === "auto" && runs.length > 0) this.#sizer ??= this.#backend.batchSizer(runs[0]!.fn);
    const count = runs.reduce((sum, run) => sum + run.items.length, 0);
    this.#read += count;
    if (ended) this.#exhausted = true;
    const lastOfUnknown = ended && count < want && this.#input.total === undefined;
    const per = lastOfUnknown ? Math.max(1, Math.floor(count / (10 * this.#backend.workers))) : size;
    // A batch runs one function: a run of another function starts a new batch.
    for (const { fn, single, items } of runs) {
      for (let start = 0; start < items.length; start += per) {
        this.#ready.push({ key: this.#nextKey++, fn, single, items: items.slice(start, start + per), startedAt: 0, timer: undefined });
      }
    }
  }

  /**
   * The adaptive size, capped for an input of known length at Python's
   * Pool.map chunk size (four chunks a worker): batches sized for 20 ms
   * would leave a short run to one or two of them, and workers idle.
   */
  #autoSize(): number {
    const size = this.#sizer?.next() ?? 1;
    const { total } = this.#input;
    return total === undefined ? size : Math.max(1, Math.min(size, Math.ceil(total / (4 * this.#backend.workers))));
  }

  #submit(batch: Batch): void {
    batch.startedAt = performance.now();
    const promise = this.#backend.submit(batch.fn, batch.items, batch.single);
    this.#inFlight.set(batch.key, batch);
    const { timeout } = this.#settings;
    if (timeout !== undefined) {
      batch.timer = setTimeout(() => {
        const what = batch.items.length === 1 ? "A call" : `A batch of ${batch.items.length} calls`;
        this.#fail(new TimeoutError(`${what} of the Parallel call ran over the timeout of ${timeout} ms`));
      }, timeout);
    }
    promise.then(
      (values) => this.#completed(batch, values),
      (error: unknown) => this.#fail(error),
    );
  }

  #completed(batch: Batch, values: unknown[]): void {
    if (this.#ended) return;
    if (batch.timer) clearTimeout(batch.timer);
    this.#inFlight.delete(batch.key);
    this.#sizer?.completed(batch.items.length, performance.now() - batch.startedAt);
    const done: Done = { key: batch.key, values };
    if (this.#settings.ordered) this.#finished.set(batch.key, done);
    else this.#arrivals.push(done);
    this.#done += values.length;
    this.#batchesDone++;
    const total = this.#exhausted ? this.#read : undefined;
    this.#settings.onProgress?.(this.#done, total);
    if (this.#settings.verbose > 0) this.#progressLine(total);
    void this.#fill();
    this.#wake();
  }

  #fail(error: unknown): void {
    if (this.#ended) return;
    this.#failure = { error };
    this.end(error);
  }

  #progressLine(total: number | undefined): void {
    const elapsed = performance.now() - this.#startedAt;
    if (total !== undefined && this.#done === total) {
      this.#print(`Done ${String(total).padStart(3)} out of ${String(total).padStart(3)} | elapsed: ${shortTime(elapsed).padStart(7)} finished`);
      return;
    }
    if (skipProgressLine(this.#batchesDone - 1, this.#settings.verbose)) return;
    if (total === undefined) {
      this.#print(`Done ${String(this.#done).padStart(3)} tasks      | elapsed: ${shortTime(elapsed).padStart(7)}`);
    } else {
      const remaining = (elapsed * (total - this.#done)) / this.#done;
      this.#print(`Done ${String(this.#done).padStart(3)} out of ${String(total).padStart(3)} | elapsed: ${shortTime(elapsed).padStart(7)} remaining: ${shortTime(remaining).padStart(7)}`);
    }
  }

  #print(line: string): void {
    process.stderr.write(`[${this.#settings.label}]: ${line}\n`);
  }
}

/** The batches' results in one array: concat (native) a thousand batches at a time, as a spread has a bound. */
function flatten(batches: unknown[][]): unknown[] {
  if (batches.length === 1) return batches[0]!;
  let out: unknown[] = [];
  for (let i = 0; i < batches.length; i += 1000) out = out.concat(...batches.slice(i, i + 1000));
  return out;
}
