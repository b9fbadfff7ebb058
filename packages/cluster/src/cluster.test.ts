import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { task, TimeoutError, ValueError } from "@multiproc/core";
import { Lock } from "@multiproc/lock";
import { asCompleted, CancelledError, type Future } from "@multiproc/pool";
import { ClusterExecutor, JobLostError, SourceNotAllowedError } from "@multiproc/cluster";
import { Queue, QueueEvents } from "bullmq";
import { ValidationError } from "./__fixtures__/jobs.mjs";
import { JOBS, redisForThisFile, startWorkerProcess, type WorkerProcess } from "./test-support.js";

// A real redis-server for this file, and two multiproc-worker processes
// started from the built CLI, as on other hosts.

const add = task<(a: number, b: number) => number>(JOBS, "add");
const square = task<(x: number) => number>(JOBS, "square");
const whoAmI = task<(tag: string) => { tag: string; pid: number }>(JOBS, "whoAmI");
const sleep = task<(ms: number, value: unknown) => unknown>(JOBS, "sleep");
const fail = task<(message: string) => never>(JOBS, "fail");
const exitNow = task<(code: number) => never>(JOBS, "exitNow");

const redis = redisForThisFile();
let workers: WorkerProcess[];

beforeAll(async () => {
  workers = await Promise.all([startWorkerProcess(redis(), "multiproc"), startWorkerProcess(redis(), "multiproc")]);
}, 60_000);

const executor = () => new ClusterExecutor({ connection: redis().connection });

describe("ClusterExecutor", () => {
  it("runs tasks on the worker processes: each of 1000 concurrent submits, sent right after start-up, settles once with its own value", async () => {
    const ex = executor();
    try {
      const futures = Array.from({ length: 1000 }, (_, i) => ex.submit(add, i, 1000));
      const values = await Promise.all(futures);
      expect(values).toEqual(Array.from({ length: 1000 }, (_, i) => i + 1000));
      const pids = new Set((await Promise.all(Array.from({ length: 40 }, (_, i) => ex.submit(whoAmI, `t${i}`)))).map((r) => r.pid));
      expect([...pids].every((pid) => workers.some((w) => w.pid === pid))).toBe(true);
      let done = 0;
      for await (const future of asCompleted(futures)) expect((future as unknown as Future<number>).done()).toBe(done++ >= 0); // TypeScript types for-await values as awaited
      expect(done).toBe(1000);
    } finally {
      await ex.shutdown();
    }
  }, 60_000);

  it("map gives every result in input order, in chunks, over several iterables", async () => {
    await using ex = executor();
    const out: number[] = [];
    for await (const value of ex.map(add, [1, 2, 3, 4, 5, 6, 7], [10, 20, 30, 40, 50, 60, 70, 80], { chunksize: 3 })) out.push(value);
    expect(out).toEqual([11, 22, 33, 44, 55, 66, 77]);
    const squares: number[] = [];
    const progress: [number, number][] = [];
    let allReported!: () => void;
    const reported = new Promise<void>((resolve) => (allReported = resolve));
    const onProgress = (done: number, total: number) => {
      if (progress.push([done, total]) === 8) allReported();
    };
    for await (const value of ex.map(square, Array.from({ length: 500 }, (_, i) => i), { chunksize: 64, onProgress })) squares.push(value);
    expect(squares).toEqual(Array.from({ length: 500 }, (_, i) => i * i));
    await reported; // the last job's progress call may come after its values are read
    // One call per job as it finishes: 7 jobs of 64 calls and one of 52, counted up to the total.
    expect(progress.map(([, total]) => total)).toEqual(Array(8).fill(500));
    expect(progress.map(([done], i) => done - (i === 0 ? 0 : progress[i - 1]![0])).sort((a, b) => a - b)).toEqual([52, 64, 64, 64, 64, 64, 64, 64]);
  }, 60_000);

  it("map's timeout: a result not there in time throws TimeoutError where it is read; bad options are a TypeError", async () => {
    await using ex = executor();
    const started = ex.map(sleep, [3000], ["late"], { timeout: 100 });
    await expect(started.next()).rejects.toBeInstanceOf(TimeoutError);
    await expect(ex.map(square, [1], { onProgress: 5 as never }).next()).rejects.toThrow(/Expected `onProgress` to be a function, got 5/);
    await expect(ex.map(square, [1], { timeout: "soon" as never }).next()).rejects.toThrow(/Expected `timeout` to be a number of milliseconds/);
    await expect(ex.map(square, [1], { retries: 2 } as never).next()).rejects.toThrow(/retries/);
  }, 60_000);

  it("a task's error arrives with its class, message, the worker's stack, cause and own properties", async () => {
    await using ex = executor();
    const error = (await ex.submit(fail, "bad age").exception()) as ValidationError & { field: string };
    expect(error).toBeInstanceOf(ValidationError);
    expect([error.name, error.message, error.field]).toEqual(["ValidationError", "bad age", "age"]);
    expect(error.stack).toContain("jobs.mjs");
    expect(error.cause).toBeInstanceOf(RangeError);
    // A thread that exits inside a task: WorkerDiedError, and the worker process goes on.
    await expect(ex.submit(exitNow, 3)).rejects.toMatchObject({ name: "WorkerDiedError", how: "exit", exitCode: 3 });
    expect(await ex.submit(add, 1, 2)).toBe(3);
  }, 60_000);

  it("refuses at the call what cannot travel, queueing nothing", async () => {
    await using ex = executor();
    const submit = ex.submit.bind(ex) as (fn: unknown, ...args: unknown[]) => unknown;
    expect(() => submit(42)).toThrow(/Expected a task\(url, exportName\) reference or a function, got 42/);
    expect(() => submit(Math.max)).toThrow(/Cannot send `fn` \(max\) by value: it is a native or bound function with no source/);
    expect(() => submit(class Job {})).toThrow(/Cannot send `fn` by value: it is a class/);
    expect(() => submit(task("/elsewhere/jobs.mjs", "f"))).toThrow(/No package.json above the task module \/elsewhere\/jobs.mjs: pass `root`/);
    const rooted = new ClusterExecutor({ connection: redis().connection, root: fileURLToPath(new URL("./__fixtures__/", import.meta.url)) });
    expect(() => rooted.submit(add, 1, 2)).not.toThrow();
    expect(() => rooted.submit(task<() => void>("/elsewhere/jobs.mjs", "f"))).toThrow(/is outside the project root/);
    await rooted.shutdown({ cancelFutures: true });
    expect(() => ex.submit(add, new Lock() as never, 1)).toThrow(/Cannot send a Lock \(from @multiproc\/lock\) in args/);
    expect(() => ex.submit(add, (() => 1) as never, 1)).toThrow(/Cannot send args\[0\]: it is a function/);
    await expect(ex.map(square, [1, new Lock() as never]).next()).rejects.toThrow(/Cannot send a Lock \(from @multiproc\/lock\) in the call 1/);
    await expect(ex.map(add, [1, 2, 3], [3, () => 4, 5] as never, { chunksize: 2 }).next()).rejects.toThrow(/Cannot send the calls 0–1\[1\]\[1\]: it is a function/);
    expect(() => new ClusterExecutor({ connection: redis().connection, maxInFlight: 0 })).toThrow(TypeError);
    expect(() => new ClusterExecutor({ connection: redis().connection, queu: "x" } as never)).toThrow(/queu/);
    const saved = process.env.MULTIPROC_REDIS_URL;
    delete process.env.MULTIPROC_REDIS_URL;
    try {
      expect(() => new ClusterExecutor()).toThrow(/MULTIPROC_REDIS_URL/);
    } finally {
      if (saved !== undefined) process.env.MULTIPROC_REDIS_URL = saved;
    }
  });

  it("keeps at most maxInFlight jobs in Redis; the rest wait their turn, and every one is done once", async () => {
    await using ex = new ClusterExecutor({ connection: redis().connection, maxInFlight: 4 });
    const values = await Promise.all(Array.from({ length: 60 }, (_, i) => ex.submit(sleep, 2, i)));
    expect(values).toEqual(Array.from({ length: 60 }, (_, i) => i));
  }, 60_000);

  it("a burst of 25 × maxInFlight with a small event stream loses nothing (events outlast the jobs in flight)", async () => {
    await using ex = new ClusterExecutor({ connection: redis().connection, maxInFlight: 20, maxLenEvents: 400 });
    const values = await Promise.all(Array.from({ length: 500 }, (_, i) => ex.submit(square, i)));
    expect(values).toEqual(Array.from({ length: 500 }, (_, i) => i * i));
  }, 60_000);

  it("two clients on one queue each get their own results", async () => {
    await using a = executor();
    await using b = executor();
    const [fromA, fromB] = await Promise.all([
      Promise.all(Array.from({ length: 200 }, (_, i) => a.submit(whoAmI, `a${i}`))),
      Promise.all(Array.from({ length: 200 }, (_, i) => b.submit(whoAmI, `b${i}`))),
    ]);
    expect(fromA.map((r) => r.tag)).toEqual(Array.from({ length: 200 }, (_, i) => `a${i}`));
    expect(fromB.map((r) => r.tag)).toEqual(Array.from({ length: 200 }, (_, i) => `b${i}`));
  }, 60_000);

  it("cancel() drops a queued job; shutdown refuses new work, waits for the rest, or cancels it", async () => {
    const idle = new ClusterExecutor({ connection: redis().connection, queue: "nobody-serves-this" });
    const queued = idle.submit(add, 1, 2);
    expect(queued.cancel()).toBe(true);
    await expect(queued.result()).rejects.toThrow(CancelledError);
    const pending = [idle.submit(add, 1, 2), idle.submit(add, 3, 4)];
    await idle.shutdown({ cancelFutures: true });
    expect(pending.map((f) => f.cancelled())).toEqual([true, true]);
    expect(() => idle.submit(add, 1, 2)).toThrow(ValueError);

    const ex = executor();
    const slow = ex.submit(sleep, 200, "slept");
    await ex.shutdown(); // waits
    expect(slow.done()).toBe(true);
    expect(await slow).toBe("slept");
  }, 60_000);
});

describe("when Redis is down", () => {
  it("a job Redis loses without a reconnect (deleted here) rejects with JobLostError at the next reconciliation", async () => {
    const connection = redis().connection;
    const raw = new Queue("unserved", { connection: { path: connection.path }, prefix: "mp" });
    const events = new QueueEvents("unserved", { connection: { path: connection.path }, prefix: "mp" });
    try {
      await events.waitUntilReady();
      const added: string[] = [];
      const allAdded = new Promise<void>((resolve) =>
        events.on("added", ({ jobId }) => {
          if (added.push(jobId) === 3) resolve();
        }),
      );
      await using ex = new ClusterExecutor({ connection, queue: "unserved", reconcileInterval: 100 });
      const futures = [1, 2, 3].map((i) => ex.submit(square, i)); // no worker serves this queue: they wait in Redis
      const outcomes = Promise.allSettled(futures);
      await allAdded;
      for (const jobId of added) expect(await raw.remove(jobId)).toBe(1);
      const reasons = (await outcomes).map((outcome) => (outcome as PromiseRejectedResult).reason as JobLostError);
      expect(reasons.every((reason) => reason instanceof JobLostError)).toBe(true);
      expect(reasons.map((reason) => reason.jobId).sort()).toEqual([...added].sort());
      expect(() => new ClusterExecutor({ connection, reconcileInterval: 0 })).toThrow(/Expected `reconcileInterval` to be a positive integer, got 0/);
    } finally {
      await events.close();
      await raw.close();
    }
  }, 60_000);

  it("a submit rejects promptly with a clear error; shutdown does not hang; new work flows once it is back", async () => {
    const ex = executor();
    expect(await ex.submit(add, 1, 1)).toBe(2);
    await redis().kill();
    const started = Date.now();
    await expect(ex.submit(add, 2, 2)).rejects.toThrow(/Could not queue the task on Redis: Redis is not reachable/);
    expect(Date.now() - started).toBeLessThan(20_000);
    await redis().restart();
    await expect(ex.shutdown()).resolves.toBeUndefined();
    // An executor whose Redis is not there at all: its submits reject at once, saying so.
    const nowhere = new ClusterExecutor({ connection: { path: `${redis().dir}/no-such.sock` } });
    await expect(nowhere.submit(add, 1, 1)).rejects.toThrow(/Could not queue the task on Redis: Cannot reach Redis \(the queue\): connect ENOENT/);
    await expect(nowhere.shutdown()).resolves.toBeUndefined();
    const again = executor();
    try {
      expect(await again.submit(add, 3, 3)).toBe(6);
    } finally {
      await again.shutdown();
    }
  }, 90_000);

  it("code from the wire (a function by value, a data: or node: module) runs only on workers started with --allow-source", async () => {
    const double = (x: number) => x * 2;
    const fromData = task<(x: number) => number>(`data:text/javascript,${encodeURIComponent("export const triple = (x) => x * 3;")}`, "triple");
    const fromNode = task<(...paths: string[]) => string>("node:path", "join");
    await using ex = executor(); // the workers of this file: no --allow-source
    for (const refused of [ex.submit(double, 4), ex.submit(fromData, 4), ex.submit(fromNode, "a", "b")]) {
      const error = await refused.exception();
      expect(error).toBeInstanceOf(SourceNotAllowedError);
      expect((error as Error).message).toMatch(/runs only exports of modules under its --root, so it did not run .*start the workers with --allow-source/);
    }
    expect((await ex.submit(double, 4).exception() as Error).message).toContain("the function double, sent by value");

    await startWorkerProcess(redis(), "trusted", ["--allow-source"]);
    await using trusted = new ClusterExecutor({ connection: redis().connection, queue: "trusted" });
    expect(await trusted.submit(double, 4)).toBe(8);
    expect(await trusted.submit(fromData, 4)).toBe(12);
    expect(await trusted.submit(fromNode, "a", "b")).toBe("a/b");
    expect(await trusted.submit(add, 1, 2)).toBe(3); // module tasks as everywhere
    const results: number[] = [];
    for await (const value of trusted.map(function cube(x: number) { return x ** 3; }, [1, 2, 3])) results.push(value);
    expect(results).toEqual([1, 8, 27]);
  }, 60_000);
});
