import { execFile, spawn } from "node:child_process";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

// Whole programs, for what only a program shows: whether it exits by itself,
// and what reaches its stdout.
const fixture = (name: string) => new URL(`./__fixtures__/${name}`, import.meta.url).pathname;
const run = (script: string, ...args: string[]) => promisify(execFile)(process.execPath, [fixture(script), ...args], { timeout: 60_000 });

describe("programs", () => {
  it("every wait of every primitive keeps Node alive while it waits, with only daemons on the other side", async () => {
    const { stdout } = await run("idle-waits.mjs");
    const lines = stdout.trim().split("\n");
    expect(lines.at(-1)).toBe("done");
    expect(lines).toHaveLength(24);
  });

  it("a Pool and an executor left open do not keep Node alive once idle, and take tasks again after sitting idle", async () => {
    const { stdout } = await run("idle-pool.mjs");
    expect(stdout).toBe("line 1\nline 2\nline 3\nline 4\ndone\n");
  });

  it("pool workers' output all reaches stdout, even when the pool is terminated right after", async () => {
    for (let i = 0; i < 3; i++) {
      const { stdout } = await run("pool-output.mjs", "terminate");
      const lines = stdout.trim().split("\n").sort((a, b) => Number(a.slice(5)) - Number(b.slice(5)));
      expect(lines).toEqual(Array.from({ length: 200 }, (_, n) => `line ${n}`));
    }
  });

  it("a synchronous task's output reaches stdout while the task still runs", async () => {
    const child = spawn(process.execPath, [fixture("pool-output.mjs"), "while-running"], { stdio: ["pipe", "pipe", "inherit"] });
    let seen = "";
    const exited = new Promise<number | null>((resolve) => child.on("exit", resolve));
    await new Promise<void>((resolve, reject) => {
      child.stdout.on("data", (chunk: Buffer) => {
        seen += chunk.toString();
        if (seen.includes("task started\n")) resolve();
      });
      void exited.then((code) => reject(new Error(`exited (${code}) before the line arrived: ${seen}`)));
    });
    child.stdin.write("go\n"); // only now may the task finish
    expect(await exited).toBe(0);
    expect(seen).toBe("task started\nresult=finished\n");
  });

  it("a module that starts a Pool, an executor or a Process at top level, unguarded, fails clearly in the worker instead of multiplying workers", async () => {
    const explained = /Cannot start a (Pool|ProcessPoolExecutor|Process) while this worker is still importing file:.*unguarded-main\.mjs\. .*isMainThread/;
    for (const how of ["pool", "executor", "process"]) {
      const { stdout } = await run("unguarded-main.mjs", how);
      const lines = stdout.trim().split("\n");
      // One line, from the main thread: the worker's attempt threw during its import, failing the task or the target.
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/^main: /);
      expect(lines[0]).toMatch(explained);
    }
  });
});
