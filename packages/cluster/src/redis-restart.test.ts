import { afterEach, describe, expect, it } from "vitest";
import { task } from "@multiproc/core";
import { ClusterExecutor, JobLostError } from "@multiproc/cluster";
import { startRedis, type RedisServer } from "@multiproc/test-utils/redis";
import { JOBS, killWorkerProcesses, startReports, startWorkerProcess } from "./test-support.js";

// Redis itself dies (SIGKILL) and comes back on the same socket.

const reportAndSleep = task<(path: string, ms: number) => number>(JOBS, "reportAndSleep");
const sleep = task<(ms: number, value: number) => number>(JOBS, "sleep");
const add = task<(a: number, b: number) => number>(JOBS, "add");

let redis: RedisServer | undefined;

afterEach(async () => {
  await killWorkerProcesses();
  await redis?.stop();
});

describe("Redis killed and restarted", () => {
  it("without persistence: every pending future rejects with JobLostError, and the same executor runs new work", async () => {
    redis = await startRedis();
    const reports = await startReports();
    const workers = await Promise.all([startWorkerProcess(redis, "q"), startWorkerProcess(redis, "q")]);
    await using ex = new ClusterExecutor({ connection: redis.connection, queue: "q" });
    try {
      // Jobs running on a pool thread, taken by a worker and waiting for its thread, or waiting in Redis when it dies.
      // (Which worker takes which job is BullMQ's business: one may take both long ones before the other asks.)
      const running = Array.from({ length: 2 }, () => ex.submit(reportAndSleep, reports.path, 2000));
      const waiting = Array.from({ length: 36 }, (_, i) => ex.submit(sleep, 1, i));
      expect(workers.map((w) => w.pid)).toContain(await reports.next()); // one is running now
      await redis.kill();
      await redis.restart();
      const outcomes = await Promise.allSettled([...running, ...waiting].map((f) => f.result()));
      for (const [i, outcome] of outcomes.entries()) {
        expect(outcome.status, `future ${i}`).toBe("rejected");
        const error = (outcome as PromiseRejectedResult).reason as JobLostError;
        expect(error).toBeInstanceOf(JobLostError);
        expect(error.message).toMatch(/Redis no longer has the job .* \(it restarted without persistence/);
        expect(error.jobId).toMatch(/^[\w]+-\d+$/);
      }
      // New work flows on the same executor and the same worker processes.
      expect(await Promise.all(Array.from({ length: 20 }, (_, i) => ex.submit(add, i, i)))).toEqual(Array.from({ length: 20 }, (_, i) => 2 * i));
    } finally {
      reports.close();
    }
  }, 60_000);

  it("with AOF (appendfsync always): every pending future resolves with its own value", async () => {
    redis = await startRedis({ aof: true, appendfsync: "always" });
    const reports = await startReports();
    await Promise.all([startWorkerProcess(redis, "q"), startWorkerProcess(redis, "q")]);
    await using ex = new ClusterExecutor({ connection: redis.connection, queue: "q" });
    try {
      const running = Array.from({ length: 2 }, () => ex.submit(reportAndSleep, reports.path, 300));
      const waiting = Array.from({ length: 36 }, (_, i) => ex.submit(sleep, 1, i));
      await Promise.all(running.map(() => reports.next()));
      await redis.kill();
      await redis.restart();
      const values = await Promise.all(waiting);
      expect(values).toEqual(Array.from({ length: 36 }, (_, i) => i));
      for (const value of await Promise.all(running)) expect(typeof value).toBe("number");
      expect(await ex.submit(add, 1, 1)).toBe(2);
    } finally {
      reports.close();
    }
  }, 60_000);
});
