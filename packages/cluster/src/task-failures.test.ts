import { deserialize, serialize } from "node:v8";
import { beforeAll, describe, expect, it } from "vitest";
import { RemoteError, task } from "@multiproc/core";
import { deserializeError, type SerializedError } from "@multiproc/core/internal";
import { ClusterExecutor } from "@multiproc/cluster";
import { Queue, QueueEvents } from "bullmq";
import { JOBS, redisForThisFile, startReports, startWorkerProcess, type WorkerProcess } from "./test-support.js";

// Tasks that fail on the worker host (their module, their export, their
// class), a task longer than the job lock, and jobs no multiproc client
// would send. Two worker processes with a 1 s lock and a 0.5 s stalled check
// (test-support), on a queue of this file.

const QUEUE = "task-failures";
const add = task<(a: number, b: number) => number>(JOBS, "add");
const failUnregistered = task<(message: string) => never>(JOBS, "failUnregistered");
const reportAndSleep = task<(path: string, ms: number) => number>(JOBS, "reportAndSleep");
const reportAndSpin = task<(path: string, ms: number) => number>(JOBS, "reportAndSpin");
const returnUnsendable = task<(what: "lock" | "shared" | "function") => unknown>(JOBS, "returnUnsendable");

const redis = redisForThisFile();
let workers: WorkerProcess[];

beforeAll(async () => {
  workers = await Promise.all([startWorkerProcess(redis(), QUEUE), startWorkerProcess(redis(), QUEUE)]);
}, 60_000);

const executor = () => new ClusterExecutor({ connection: redis().connection, queue: QUEUE });

describe("a task that fails on the worker host", () => {
  it("a missing export is a TypeError naming the module and its function exports", async () => {
    await using ex = executor();
    const error = await ex.submit(task<() => void>(JOBS, "nope")).exception();
    expect(error).toBeInstanceOf(TypeError);
    expect((error as Error).message).toMatch(/Task module file:\/\/.*\/__fixtures__\/jobs\.mjs has no function export named "nope" \(its function exports: .*add.*\)/);
  }, 60_000);

  it("a module whose import throws: that error, with its class and message", async () => {
    await using ex = executor();
    const error = await ex.submit(task<() => void>(new URL("./__fixtures__/broken.mjs", import.meta.url), "anything")).exception();
    expect(error).toBeInstanceOf(RangeError);
    expect((error as Error).message).toBe("broken.mjs cannot be loaded: its configuration is missing");
    expect(await ex.submit(add, 1, 1)).toBe(2); // the worker goes on
  }, 60_000);

  it("a module missing on the worker host: the import error, naming the path there", async () => {
    await using ex = executor();
    const error = (await ex.submit(task<() => void>(new URL("./__fixtures__/not-deployed.mjs", import.meta.url), "f")).exception()) as Error & { code?: string };
    expect(error).toBeInstanceOf(Error);
    expect(error.code).toBe("ERR_MODULE_NOT_FOUND");
    expect(error.message).toContain("/src/__fixtures__/not-deployed.mjs");
  }, 60_000);

  it("an error of a class not registered on the client arrives as a RemoteError keeping its name, message and own properties", async () => {
    await using ex = executor();
    const error = (await ex.submit(failUnregistered, "over quota").exception()) as RemoteError & { limit?: number };
    expect(error).toBeInstanceOf(RemoteError);
    expect([error.name, error.message, error.limit]).toEqual(["QuotaError", "over quota", 10]);
    expect(error.stack).toContain("jobs.mjs");
  }, 60_000);
});

describe("a result that cannot travel back", () => {
  it("a shareable, a SharedArrayBuffer or a function in a result fails its task with a TypeError that says why, and the worker goes on", async () => {
    await using ex = executor();
    const messages: string[] = [];
    for (const what of ["lock", "shared", "function"] as const) {
      const error = await ex.submit(returnUnsendable, what).exception();
      expect(error).toBeInstanceOf(TypeError);
      messages.push((error as Error).message);
    }
    expect(messages[0]).toMatch(/^Cannot send a Lock \(from @multiproc\/lock\) in the result from one machine to another: it lives in one machine's shared memory/);
    expect(messages[1]).toMatch(/^The task's result cannot be sent back: Cannot send result\.memory: a SharedArrayBuffer cannot travel as bytes/);
    expect(messages[2]).toMatch(/^The task's result cannot be sent back: Cannot send result\.callback: it is a function/);
    expect(await ex.submit(add, 2, 2)).toBe(4);
  }, 60_000);
});

describe("a task longer than the job lock", () => {
  it("a CPU-bound task three times the lock's length runs once: the lock is renewed while a pool thread computes", async () => {
    const reports = await startReports();
    await using ex = executor();
    try {
      let settled = 0;
      const future = ex.submit(reportAndSpin, reports.path, 3000);
      future.addDoneCallback(() => settled++);
      const ranOn = await reports.next();
      expect(workers.map((w) => w.pid)).toContain(ranOn);
      expect(await future).toBe(ranOn);
      // A false stall re-delivers the job within a lock and a stalled check
      // (1.5 s here), and the re-run reports at its start: long before the
      // first run's 3 s are over. One report: it ran once.
      expect(reports.count()).toBe(1);
      expect(settled).toBe(1);
    } finally {
      reports.close();
    }
  }, 60_000);

  it("cancel() of a running job returns false, and its result still arrives", async () => {
    const reports = await startReports();
    await using ex = executor();
    try {
      const future = ex.submit(reportAndSleep, reports.path, 300);
      const ranOn = await reports.next();
      expect(future.running()).toBe(true);
      expect(future.cancel()).toBe(false);
      expect(await future).toBe(ranOn);
      expect(future.cancelled()).toBe(false);
    } finally {
      reports.close();
    }
  }, 60_000);
});

describe("a job no multiproc client would send (written to Redis by anyone)", () => {
  /** Adds `data` as a job on this file's queue with plain BullMQ, and returns the error the worker completed it with. */
  async function refusalOf(data: Record<string, unknown>): Promise<Error> {
    const connection = { path: redis().connection.path };
    const queue = new Queue(QUEUE, { connection, prefix: "mp" });
    // From the stream's start: the job's completion may come before this reader's first XREAD.
    const events = new QueueEvents(QUEUE, { connection, prefix: "mp", lastEventId: "0-0" });
    try {
      await events.waitUntilReady();
      const job = await queue.add("raw", data);
      const result = (await job.waitUntilFinished(events, 30_000)) as { ok: boolean; e: string };
      expect(result.ok).toBe(false);
      return deserializeError(deserialize(Buffer.from(result.e, "base64")) as SerializedError);
    } finally {
      await events.close();
      await queue.close();
    }
  }

  const args = serialize([]).toString("base64");

  it("a task path that leaves the worker's --root is refused, never imported", async () => {
    for (const path of ["../../../../etc/evil.mjs", "src/../../outside.mjs", "/etc/evil.mjs"]) {
      const error = await refusalOf({ v: 1, fn: { path, exportName: "f" }, mode: "apply", p: args });
      expect(error).toBeInstanceOf(TypeError);
      expect(error.message).toBe(`Refusing the task path ${path}: it leaves the worker's --root`);
    }
  }, 60_000);

  it("a job of another protocol version is refused with a TypeError that says so", async () => {
    const error = await refusalOf({ v: 2, fn: { path: "src/__fixtures__/jobs.mjs", exportName: "add" }, mode: "apply", p: args });
    expect(error).toBeInstanceOf(TypeError);
    expect(error.message).toBe("Not a multiproc job (version 2): is a newer client using this queue?");
  }, 60_000);
});
