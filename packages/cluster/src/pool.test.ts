import { getEventListeners } from "node:events";
import { beforeAll, describe, expect, it } from "vitest";
import { task, ValueError } from "@multiproc/core";
import { CancelledError } from "@multiproc/pool";
import { ClusterPool } from "@multiproc/cluster";
import { ValidationError } from "./__fixtures__/jobs.mjs";
import { nextAll } from "@multiproc/test-utils";
import { JOBS, redisForThisFile, startReports, startWorkerProcess } from "./test-support.js";

// ClusterPool: the local Pool's methods, on two multiproc-worker processes.

const add = task<(a: number, b: number) => number>(JOBS, "add");
const square = task<(x: number) => number>(JOBS, "square");
const sleep = task<(ms: number, value: unknown) => unknown>(JOBS, "sleep");
const fail = task<(message: string) => never>(JOBS, "fail");
const reportAndSleep = task<(path: string, ms: number) => number>(JOBS, "reportAndSleep");

const redis = redisForThisFile();

beforeAll(async () => {
  await Promise.all([startWorkerProcess(redis(), "multiproc"), startWorkerProcess(redis(), "multiproc")]);
}, 60_000);

const newPool = () => new ClusterPool({ connection: redis().connection });

describe("ClusterPool", () => {
  it("apply, applyAsync (with its callback), map, mapAsync, starmap: every result in input order", async () => {
    await using pool = newPool();
    expect(await pool.apply(add, [2, 3])).toBe(5);
    const seen: number[] = [];
    const async = pool.applyAsync(add, [20, 22], { callback: (value) => seen.push(value) });
    expect(await async.get()).toBe(42);
    expect([async.ready(), async.successful(), seen]).toEqual([true, true, [42]]);
    const xs = Array.from({ length: 1000 }, (_, i) => i);
    expect(await pool.map(square, xs)).toEqual(xs.map((x) => x * x)); // automatic chunks: about 4 per worker process
    const progress: [number, number | undefined][] = [];
    const mapped = pool.mapAsync(square, xs, { chunksize: 100, onProgress: (done, total) => progress.push([done, total]) });
    expect(await mapped.get()).toEqual(xs.map((x) => x * x));
    expect(progress.map(([done]) => done)).toEqual(Array.from({ length: 10 }, (_, i) => 100 * (i + 1)));
    expect(progress.every(([, total]) => total === 1000)).toBe(true);
    expect(await pool.starmap(add, [[1, 2], [3, 4], [5, 6]])).toEqual([3, 7, 11]);
    async function* lazy() {
      yield 3;
      yield 4;
    }
    expect(await pool.map(square, lazy())).toEqual([9, 16]);
    expect(await pool.map(square, [])).toEqual([]);
  }, 60_000);

  it("imap gives results in order and reads an endless input only as far as it needs; imapUnordered gives each once", async () => {
    await using pool = newPool();
    let read = 0;
    function* naturals() {
      for (let i = 0; ; i++) {
        read++;
        yield i;
      }
    }
    const firsts: number[] = [];
    for await (const value of pool.imap(square, naturals())) {
      firsts.push(value);
      if (firsts.length === 10) break;
    }
    expect(firsts).toEqual(Array.from({ length: 10 }, (_, i) => i * i));
    expect(read).toBeLessThanOrEqual(10 + 64); // at most a window of jobs beyond what was consumed
    const unordered: number[] = [];
    for await (const value of pool.imapUnordered(square, Array.from({ length: 300 }, (_, i) => i), { chunksize: 7 })) unordered.push(value);
    expect(unordered.sort((a, b) => a - b)).toEqual(Array.from({ length: 300 }, (_, i) => i * i).sort((a, b) => a - b));
  }, 60_000);

  it("imap goes on after a task's error, as the local Pool's: the error rejects that next() only", async () => {
    await using pool = newPool();
    const tenfoldBut3 = task<(n: number) => number>(JOBS, "tenfoldBut3");
    const six = [0, 1, 2, 3, 4, 5];
    expect(await nextAll(pool.imap(tenfoldBut3, six))).toEqual([0, 10, 20, "ERR bad 3", 40, 50]);
    expect(await nextAll(pool.imap(tenfoldBut3, six, { chunksize: 2 }))).toEqual([0, 10, "ERR bad 3", 40, 50]);
    const unordered = await nextAll(pool.imapUnordered(tenfoldBut3, six));
    expect(unordered.sort()).toEqual([0, 10, 20, 40, 50, "ERR bad 3"].sort());
  }, 60_000);

  it("an imap made before close() runs to its end, as Python's: read before join(), or after it", async () => {
    const pool = newPool();
    const results = pool.imap(square, [1, 2, 3, 4, 5, 6, 7], { chunksize: 2 });
    let reads = 0;
    function* counted(n: number) {
      for (let i = 0; i < n; i++) {
        reads++;
        yield i;
      }
    }
    const unread = pool.imapUnordered(square, counted(100)); // up to 64 jobs out at once: 100 need a second fill
    pool.close();
    expect(() => pool.imap(square, [1])).toThrow(ValueError);
    const got: number[] = [];
    for await (const value of results) got.push(value);
    expect(got).toEqual([1, 4, 9, 16, 25, 36, 49]);
    await pool.join(); // reads and sends the rest of the unread imap's input first
    expect(reads).toBe(100);
    const squares = (await nextAll(unread)) as number[];
    expect(squares.sort((a, b) => a - b)).toEqual(Array.from({ length: 100 }, (_, i) => i * i));
  }, 60_000);

  it("imap yields the results before an input error, then the error (Python's order)", async () => {
    await using pool = newPool();
    function* failingAfter(n: number) {
      for (let i = 0; i < n; i++) yield i;
      throw new Error(`input broke after ${n}`);
    }
    expect(await nextAll(pool.imap(square, failingAfter(3)))).toEqual([0, 1, 4, "ERR input broke after 3"]);
    expect(await nextAll(pool.imap(square, failingAfter(5), { chunksize: 2 }))).toEqual([0, 1, 4, 9, "ERR input broke after 5"]);
  }, 60_000);

  it("errors: a task's own (with its class), bad input, options that mean nothing across machines, a signal", async () => {
    await using pool = newPool();
    await expect(pool.map(fail, ["bad age"])).rejects.toBeInstanceOf(ValidationError);
    const errors: unknown[] = [];
    await pool.applyAsync(fail, ["no"], { errorCallback: (error) => errors.push(error) }).wait();
    expect(errors).toHaveLength(1);
    expect(errors[0]).toBeInstanceOf(ValidationError);
    await expect(pool.starmap(add, [[1, 2], 3 as never])).rejects.toThrow(/Expected item 1 of starmap's iterable to be an array of arguments, got 3/);
    expect(() => pool.apply(add, 1 as never)).toThrow(/Expected `args` to be an array, got 1/);
    expect(() => pool.apply(add, [1, 2], { signal: "stop" } as never)).toThrow(/Expected `signal` to be an AbortSignal, got "stop"/);
    expect(() => pool.mapAsync(square, [1], { signal: {} } as never)).toThrow(/Expected `signal` to be an AbortSignal/);
    expect(() => pool.mapAsync(square, [1], { chunksize: 0 })).toThrow(/Expected `chunksize` to be a positive integer, got 0/);
    expect(() => new ClusterPool({ connection: redis().connection, processes: 4 } as never)).toThrow(/`processes` has no meaning for a ClusterPool: its size is the multiproc-worker processes serving the queue and their --threads/);
    expect(() => new ClusterPool({ connection: redis().connection, initializer: add } as never)).toThrow(/`initializer` has no meaning for a ClusterPool/);
    expect(() => new ClusterPool({ connection: redis().connection, bogus: 1 } as never)).toThrow(/bogus/);
    expect(() => new ClusterPool({ connection: redis().connection, toString: 1 } as never)).toThrow(/Unknown option `toString`/);
  }, 60_000);

  it("close() refuses new tasks and join() waits for the queued ones; terminate() fails what is unfinished with CancelledError", async () => {
    const pool = newPool();
    const pending = pool.apply(sleep, [100, "done"]);
    await expect(pool.join()).rejects.toThrow(ValueError);
    pool.close();
    expect(() => pool.apply(add, [1, 2])).toThrow(new ValueError("Pool not running"));
    await pool.join();
    expect(await pending).toBe("done");

    const idle = new ClusterPool({ connection: redis().connection, queue: "nobody-serves-this" });
    const never = Promise.allSettled([idle.apply(add, [1, 2]), idle.map(square, [1, 2, 3])]);
    await idle.terminate();
    for (const outcome of await never) {
      expect(outcome.status).toBe("rejected");
      expect((outcome as PromiseRejectedResult).reason).toBeInstanceOf(CancelledError);
    }
    expect(() => idle.apply(add, [1, 2])).toThrow(new ValueError("Pool not running"));
  }, 60_000);

  it("a signal stops a running job on its worker and fails it with the reason at once; a job waiting in Redis is removed; an aborted signal queues nothing", async () => {
    // One worker process taking one job at a time: a job left running (or waiting) there would hold up the last apply for 10 minutes.
    await startWorkerProcess(redis(), "aborts", ["--concurrency", "1"]);
    await using pool = new ClusterPool({ connection: redis().connection, queue: "aborts" });
    const reports = await startReports();
    try {
      const running = new AbortController();
      const waiting = new AbortController();
      const long = pool.apply(reportAndSleep, [reports.path, 600_000], { signal: running.signal });
      long.catch(() => {}); // awaited below
      await reports.next(); // it runs on the worker
      const behind = pool.starmapAsync(reportAndSleep, [[reports.path, 600_000]], { signal: waiting.signal, chunksize: 1 });
      waiting.abort(new Error("not needed any more"));
      await expect(behind.get()).rejects.toThrow("not needed any more");
      running.abort(new Error("taking too long"));
      await expect(long).rejects.toThrow("taking too long");
      expect(await pool.apply(add, [1, 2])).toBe(3); // the worker's thread is free again, and nothing ran before this

      // One listener on the caller's signal per call, however many jobs (Node warns past 10), removed when the call settles.
      const many = new AbortController();
      const squares = pool.map(square, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12], { chunksize: 1, signal: many.signal });
      expect(getEventListeners(many.signal, "abort")).toHaveLength(1);
      expect(await squares).toEqual([1, 4, 9, 16, 25, 36, 49, 64, 81, 100, 121, 144]);
      expect(getEventListeners(many.signal, "abort")).toHaveLength(0);

      const gone = AbortSignal.abort(new Error("before it started"));
      await expect(pool.apply(add, [1, 2], { signal: gone })).rejects.toThrow("before it started");
      await expect(pool.map(square, [1, 2, 3], { signal: gone })).rejects.toThrow("before it started");
      await expect(pool.map(square, [], { signal: gone })).rejects.toThrow("before it started");
      const lazy = pool.imap(square, [1, 2], { signal: gone });
      await expect(lazy.next()).rejects.toThrow("before it started");
    } finally {
      reports.close();
    }
  }, 60_000);
});
