// CI runs the short, seeded profile of the reliability suite: every scenario
// in a process of its own, with 0 failures expected. `npm run stress` runs the
// long one and prints the table.
import { describe, expect, it } from "vitest";
// @ts-expect-error: plain ESM without types
import { runStress } from "./cli.mjs";
// @ts-expect-error: plain ESM without types
import { SCENARIOS } from "./scenarios.mjs";

describe("stress (short profile)", () => {
  for (const name of Object.keys(SCENARIOS)) {
    it(name, async () => {
      const [row] = await runStress({ profile: "short", names: [name], seed: 1, log: () => {} });
      expect(row.failures).toEqual([]);
    });
  }
});
