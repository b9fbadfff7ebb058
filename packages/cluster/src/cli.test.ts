import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { task } from "@multiproc/core";
import { ClusterExecutor, ClusterPool, CodeVersionError, startWorker } from "@multiproc/cluster";
import { JOBS, redisForThisFile, startReports, startWorkerProcess } from "./test-support.js";

// The multiproc-worker command, as operators run it.

const CLI = fileURLToPath(new URL("../dist/cli.js", import.meta.url));
const reportAndSleep = task<(path: string, ms: number) => number>(JOBS, "reportAndSleep");
const whoAmI = task<(tag: string) => { tag: string; pid: number }>(JOBS, "whoAmI");

const redis = redisForThisFile();

/** Runs the CLI to its end: its exit code and stderr. */
async function runCli(args: string[]): Promise<{ code: number; stderr: string }> {
  return promisify(execFile)(process.execPath, [CLI, ...args], { timeout: 30_000 }).then(
    ({ stderr }) => ({ code: 0, stderr }),
    (error: { code: number; stderr: string }) => ({ code: error.code, stderr: error.stderr }),
  );
}

describe("multiproc-worker", () => {
  it("refuses unknown flags and bad numbers with the usage (exit 2), and an unreachable Redis with why (exit 1)", async () => {
    expect(await runCli(["--redis", redis().connection.path, "--thread", "2"])).toEqual({ code: 2, stderr: expect.stringMatching(/Unknown option '--thread'[\s\S]*usage: multiproc-worker --redis URL/) });
    expect(await runCli(["--redis", redis().connection.path, "--threads", "0"])).toEqual({ code: 2, stderr: expect.stringMatching(/--threads expects a positive integer, got "0"/) });
    expect(await runCli(["--redis", redis().connection.path, "--allow-source=yes"])).toEqual({ code: 2, stderr: expect.stringMatching(/--allow-source' does not take an argument/) });
    await expect(startWorker({ connection: redis().connection, allowSource: "yes" as never })).rejects.toThrow(/Expected `allowSource` to be a boolean, got "yes"/);
    expect(await runCli(["--redis", `${redis().dir}/no-such.sock`])).toEqual({ code: 1, stderr: expect.stringMatching(/Cannot reach Redis \(the worker's queue\): connect ENOENT/) });
    const saved = process.env.MULTIPROC_REDIS_URL;
    delete process.env.MULTIPROC_REDIS_URL;
    try {
      expect(await runCli([])).toEqual({ code: 1, stderr: expect.stringMatching(/startWorker needs Redis: pass `connection`.* or set MULTIPROC_REDIS_URL/) });
    } finally {
      if (saved !== undefined) process.env.MULTIPROC_REDIS_URL = saved;
    }
  }, 60_000);

  it("--code-version: a worker runs tasks of its version and of clients that name none, and refuses the others with CodeVersionError", async () => {
    const connection = redis().connection;
    const versioned = await startWorkerProcess(redis(), "versioned", ["--code-version", "2.1.0+abc"]);
    const unversioned = await startWorkerProcess(redis(), "unversioned");
    await using current = new ClusterExecutor({ connection, queue: "versioned", codeVersion: "2.1.0+abc" });
    await using stale = new ClusterExecutor({ connection, queue: "versioned", codeVersion: "2.0.0" });
    await using any = new ClusterExecutor({ connection, queue: "versioned" });
    await using toUnversioned = new ClusterPool({ connection, queue: "unversioned", codeVersion: "2.1.0+abc" });
    expect(await current.submit(whoAmI, "a")).toEqual({ tag: "a", pid: versioned.pid });
    expect(await any.submit(whoAmI, "b")).toEqual({ tag: "b", pid: versioned.pid });
    const refused = (await stale.submit(whoAmI, "c").exception()) as CodeVersionError;
    expect(refused).toBeInstanceOf(CodeVersionError);
    expect([refused.name, refused.code, refused.needed, refused.running]).toEqual(["CodeVersionError", "ERR_MULTIPROC_CODE_VERSION", "2.0.0", "2.1.0+abc"]);
    expect(refused.message).toMatch(new RegExp(`needs code version "2\\.0\\.0"; the worker \\(pid ${versioned.pid} on .*\\) runs code version "2\\.1\\.0\\+abc", so it did not run it`));
    const undeclared = (await toUnversioned.apply(whoAmI, ["d"]).catch((error: unknown) => error)) as CodeVersionError;
    expect(undeclared).toBeInstanceOf(CodeVersionError);
    expect([undeclared.needed, undeclared.running]).toEqual(["2.1.0+abc", undefined]);
    expect(undeclared.message).toMatch(/declares no code version \(start it with --code-version\)/);
    // A map's chunks are refused alike, and the version is checked where it is given.
    await expect(stale.map(whoAmI, ["e", "f"]).next()).rejects.toBeInstanceOf(CodeVersionError);
    expect(() => new ClusterExecutor({ connection, codeVersion: 2 as unknown as string })).toThrow(/Expected `codeVersion` to be a version string .*got 2/);
    expect(await runCli(["--redis", connection.path, "--code-version", "has space"])).toEqual({ code: 1, stderr: expect.stringMatching(/Expected `codeVersion` to be a version string/) });
  }, 60_000);

  it("SIGTERM: the job it holds finishes and its result arrives, then the process exits 0", async () => {
    const reports = await startReports();
    await using ex = new ClusterExecutor({ connection: redis().connection, queue: "sigterm" });
    try {
      const worker = await startWorkerProcess(redis(), "sigterm");
      const future = ex.submit(reportAndSleep, reports.path, 500);
      expect(await reports.next()).toBe(worker.pid);
      worker.child.kill("SIGTERM");
      expect(await future).toBe(worker.pid);
      expect(await worker.exited).toEqual([0, null]);
    } finally {
      reports.close();
    }
  }, 60_000);
});
