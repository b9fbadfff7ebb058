import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

const REPO = fileURLToPath(new URL("../../../", import.meta.url));
const TYPEDOC = fileURLToPath(new URL("../../../node_modules/typedoc/bin/typedoc", import.meta.url));

describe("the API reference (typedoc.json, `npm run docs`)", () => {
  it("builds with no warning: every public export documented, no broken link, nothing referenced but left out", async () => {
    // `--emit none`: the same conversion and validation as `npm run docs`, without writing the site.
    // typedoc.json sets treatWarningsAsErrors, so any warning fails the run.
    const run = await promisify(execFile)(process.execPath, [TYPEDOC, "--emit", "none"], { cwd: REPO, maxBuffer: 16 << 20 }).then(
      ({ stdout, stderr }) => ({ code: 0, output: stdout + stderr }),
      (error: { code?: number; stdout?: string; stderr?: string }) => ({ code: error.code ?? 1, output: `${error.stdout ?? ""}${error.stderr ?? ""}` }),
    );
    expect(run.output.replace(/\x1b\[[0-9;]*m/g, "")).not.toMatch(/warning|error/i);
    expect(run.code).toBe(0);
  });
});
