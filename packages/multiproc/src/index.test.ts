import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";
import * as core from "@multiproc/core";
import * as event from "@multiproc/event";
import * as lock from "@multiproc/lock";
import * as pipe from "@multiproc/pipe";
import * as pool from "@multiproc/pool";
import * as processPackage from "@multiproc/process";
import * as queue from "@multiproc/queue";
import * as semaphore from "@multiproc/semaphore";
import * as sharedValue from "@multiproc/shared-value";
import * as umbrella from "multiproc";

describe("multiproc", () => {
  it("re-exports every export of every package", () => {
    for (const pkg of [core, event, lock, pipe, pool, processPackage, queue, semaphore, sharedValue]) {
      for (const [name, value] of Object.entries(pkg)) if (name !== "wait") expect(umbrella[name as keyof typeof umbrella], name).toBe(value);
    }
  });

  it("has one wait() for Connections and sentinels (pipe) and Futures (pool)", async () => {
    const [a, b] = umbrella.Pipe();
    b.send("hi");
    expect(await umbrella.wait([a, b], 0)).toEqual([a]);
    expect(await umbrella.wait([a, b], { timeout: 0 })).toEqual([a]);
    const p = new umbrella.Process({ target: () => {} });
    p.start();
    expect(await umbrella.wait([b, p.sentinel], 20_000)).toEqual([p.sentinel]);
    await p.join();
    expect(await umbrella.wait([])).toEqual([]);
    await using ex = new umbrella.ProcessPoolExecutor({ maxWorkers: 1 });
    const f = ex.submit((n: number) => n + 1, 1);
    const { done, notDone } = await umbrella.wait([f]);
    expect([done.has(f), notDone.size, await f]).toEqual([true, 0, 2]);
  });

  it("works from CommonJS too, sharing state with the ESM build", async () => {
    const cjs = createRequire(import.meta.url)("multiproc") as typeof umbrella;
    expect(cjs.Process).toBeTypeOf("function");
    const p = new cjs.Process({ target: () => {} });
    p.start();
    await p.join();
    expect(p.exitCode).toBe(0);
    expect(cjs.currentProcess()).toEqual(umbrella.currentProcess());
  });
});
