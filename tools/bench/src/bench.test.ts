// CI runs the benchmarks only as a smoke pass: tiny sizes, one repetition,
// proving every workload and peer still starts and reports. No timing is asserted.
import { describe, expect, it } from "vitest";
// @ts-expect-error: plain ESM without types
import { runBench } from "./cli.mjs";
// @ts-expect-error: plain ESM without types
import { formatReport } from "./harness.mjs";

describe("bench (smoke)", () => {
  it("runs every workload and peer of every area, and prints ratios", async () => {
    const report = await runBench({ smoke: true, log: () => {} });
    expect(report.workloads.map((w: { area: string }) => w.area)).toEqual(expect.arrayContaining(["lock", "shared-value", "queue", "pipe", "pool"]));
    for (const workload of report.workloads) {
      for (const result of workload.results) {
        if (result.skip) expect(result.skip).toMatch(/python3|no map API/);
        else expect(result.median).toBeGreaterThan(0);
      }
    }
    expect(formatReport(report)).toMatch(/multiproc is \d+\.\d+x/);
  });

  it("refuses an unknown area", async () => {
    await expect(runBench({ areas: ["nope"], smoke: true, log: () => {} })).rejects.toThrow(/Unknown bench area nope; known: lock, shared-value, queue, pipe, pool/);
  });
});
