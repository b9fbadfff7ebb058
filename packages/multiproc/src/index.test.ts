import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";
import * as core from "@multiproc/core";
import * as event from "@multiproc/event";
import * as lock from "@multiproc/lock";
import * as pipe from "@multiproc/pipe";
import * as processPackage from "@multiproc/process";
import * as queue from "@multiproc/queue";
import * as semaphore from "@multiproc/semaphore";
import * as sharedValue from "@multiproc/shared-value";
import * as umbrella from "multiproc";

describe("multiproc", () => {
  it("re-exports every export of every package", () => {
    for (const pkg of [core, event, lock, pipe, processPackage, queue, semaphore, sharedValue]) {
      for (const [name, value] of Object.entries(pkg)) expect(umbrella[name as keyof typeof umbrella], name).toBe(value);
    }
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
