// The whole suite runs on Node 20 (the oldest supported); users run 22 and
// 24 too. Here the examples and the primitive, Process and Pool suites run again on
// exact releases of those (official builds, from the npm registry), against
// the same built dist/ the Node 20 run tests.
import { execFile } from "node:child_process";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { beforeAll, describe, expect, it } from "vitest";
// @ts-expect-error: plain ESM without types
import { nodeBinary } from "./node-binary.mjs";

const run = promisify(execFile);
const REPO = fileURLToPath(new URL("../../../", import.meta.url));
const VITEST = join(REPO, "node_modules/vitest/vitest.mjs");
const SUITES = ["packages/lock", "packages/semaphore", "packages/event", "packages/shared-value", "packages/queue", "packages/pipe", "packages/process", "packages/pool", "packages/multiproc", "examples"];
/**
 * Each version and the suites it runs. 22.11 is the last release without
 * `require()` of ES modules by default, where workers import every shareable
 * package at start instead of on first need (core's handle/deferred.ts): the
 * umbrella's suite covers that.
 */
const VERSIONS: Record<string, string[]> = { "22.23.5": SUITES, "24.22.3": SUITES, "22.11.0": ["packages/multiproc"] };

/** One suite's vitest run on `node`: its exit code and, when it failed, the end of its output. */
async function suite(node: string, dir: string): Promise<{ dir: string; code: number; tail?: string }> {
  const env = { ...process.env, FORCE_COLOR: "0", NO_COLOR: "1" };
  try {
    // Own output file, so the Node 20 run's results in .vitest/ stay as they are.
    await run(node, [VITEST, "run", "--outputFile.json", join(REPO, "tools/node-matrix/.cache", `${dir.replace("/", "-")}.json`)], { cwd: join(REPO, dir), env, timeout: 300_000, maxBuffer: 2 ** 26 });
    return { dir, code: 0 };
  } catch (error) {
    const { code, stdout = "", stderr = "" } = error as { code: number; stdout?: string; stderr?: string };
    return { dir, code, tail: `${stdout}\n${stderr}`.trim().split("\n").slice(-30).join("\n") };
  }
}

for (const [version, suites] of Object.entries(VERSIONS)) {
  describe(`Node ${version}`, () => {
    let node: string;
    beforeAll(async () => {
      node = await nodeBinary(version);
    });

    it("is the version asked for", async () => {
      const { stdout } = await run(node, ["--version"]);
      expect(stdout.trim()).toBe(`v${version}`);
    });

    it(`passes ${suites.join(", ")}`, async () => {
      const results = [];
      for (const dir of suites) results.push(await suite(node, dir));
      expect(results.filter((r) => r.code !== 0)).toEqual([]);
    });
  });
}
