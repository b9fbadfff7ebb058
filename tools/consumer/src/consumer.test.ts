// What users get: every package packed as `npm publish` would pack it (and
// checked by attw and publint, as the registry's users' tools would), the
// tarballs installed in a fresh project outside the monorepo (third-party
// dependencies, BullMQ's for @multiproc/cluster, from npm's cache where it has them), and
// that project run as users run it. No workspace links, no source files.
import { execFile } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const run = promisify(execFile);
const REPO = fileURLToPath(new URL("../../../", import.meta.url));
const PROJECT = fileURLToPath(new URL("./project/", import.meta.url));
const PACKAGES = ["core", "lock", "semaphore", "event", "shared-value", "queue", "pipe", "process", "pool", "manager", "cluster", "multiproc"];
const TSC = join(REPO, "node_modules/typescript/bin/tsc");

let dir: string;
let app: string;
const tarballs = new Map<string, string>();

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "multiproc-consumer-"));
  const packed = join(dir, "tarballs");
  mkdirSync(packed);
  for (const name of PACKAGES) {
    const { stdout } = await run("npm", ["pack", "--silent", "--pack-destination", packed], { cwd: join(REPO, "packages", name) });
    tarballs.set(name, join(packed, stdout.trim().split("\n").at(-1)!));
  }
  app = join(dir, "app");
  cpSync(PROJECT, app, { recursive: true });
  const dependencies = Object.fromEntries(PACKAGES.map((name) => [name === "multiproc" ? name : `@multiproc/${name}`, `file:${tarballs.get(name)}`]));
  writeFileSync(join(app, "package.json"), JSON.stringify({ name: "consumer-app", private: true, type: "module", dependencies }, null, 2));
  await run("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund", "--ignore-scripts", "--no-package-lock"], { cwd: app });
}, 240_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("the packed packages, installed in a fresh project", () => {
  it("hold their builds, types, README and LICENSE, and nothing of the sources or tests", async () => {
    for (const name of PACKAGES) {
      const { stdout } = await run("tar", ["-tzf", tarballs.get(name)!]);
      const files = stdout.trim().split("\n").map((f) => f.replace(/^package\//, ""));
      expect(files, name).toEqual(expect.arrayContaining(["package.json", "README.md", "LICENSE", "dist/index.js", "dist/index.cjs", "dist/index.d.ts", "dist/index.d.cts"]));
      expect(files.filter((f) => /(^src\/|\.test\.|__fixtures__|\.tsbuildinfo$)/.test(f)), name).toEqual([]);
    }
  });

  it("pass Are the Types Wrong (every resolution mode) and publint --strict", async () => {
    const bin = (name: string) => join(REPO, "node_modules/.bin", name);
    const failures: string[] = [];
    for (const name of PACKAGES) {
      await run(bin("attw"), [tarballs.get(name)!, "--format", "ascii"], { timeout: 120_000 }).catch((error: { stdout: string }) => failures.push(`attw ${name}:\n${error.stdout}`));
      await run(bin("publint"), [join(REPO, "packages", name), "--strict"], { timeout: 120_000 }).catch((error: { stdout: string }) => failures.push(`publint ${name}:\n${error.stdout}`));
    }
    expect(failures).toEqual([]);
  });

  it("install as real directories, not links into the monorepo", () => {
    const installed = readdirSync(join(app, "node_modules/@multiproc"));
    expect(installed.sort()).toEqual(PACKAGES.filter((p) => p !== "multiproc").sort());
  });

  it("run an ESM program: a Pool task module, a Queue and a Lock shared with a Process", async () => {
    const { stdout } = await run(process.execPath, ["esm.mjs"], { cwd: app, timeout: 60_000 });
    expect(JSON.parse(stdout)).toEqual({ squares: [1, 4, 9, 16], reported: "from the child", exitCode: 0, semaphore: 2 });
  });

  it("run a CommonJS program: require() and a Pipe to a Process", async () => {
    const { stdout } = await run(process.execPath, ["cjs.cjs"], { cwd: app, timeout: 60_000 });
    expect(JSON.parse(stdout)).toEqual({ back: { hello: "cjs" }, exitCode: 0 });
  });

  it("load @multiproc/cluster by import and require, and run its multiproc-worker bin", async () => {
    const script = 'const cjs = require("@multiproc/cluster"); import("@multiproc/cluster").then((esm) => console.log(JSON.stringify([typeof cjs.ClusterExecutor, typeof esm.startWorker, typeof esm.JobLostError])))';
    const { stdout } = await run(process.execPath, ["-e", script], { cwd: app });
    expect(JSON.parse(stdout)).toEqual(["function", "function", "function"]);
    const usage = await run(join(app, "node_modules/.bin/multiproc-worker"), ["--nope"], { cwd: app }).catch((error: { code: number; stderr: string }) => error);
    expect(usage).toMatchObject({ code: 2, stderr: expect.stringContaining("usage: multiproc-worker --redis URL") });
  });

  it("bundled into one file with multiproc inlined, fail to start workers with an error that says to keep multiproc external", async () => {
    const esbuild = join(REPO, "node_modules/.bin/esbuild");
    await run(esbuild, ["bundled.mjs", "--bundle", "--platform=node", "--format=esm", "--outfile=bundle/app.mjs", "--log-level=error"], { cwd: app });
    const { stdout } = await run(process.execPath, ["bundle/app.mjs"], { cwd: app, timeout: 60_000 });
    const errors = JSON.parse(stdout) as { name: string; code: string; message: string }[];
    expect(errors).toHaveLength(2);
    for (const error of errors) {
      expect(error).toMatchObject({ name: "MultiprocError", code: "ERR_MULTIPROC_WORKER_FILE_MISSING" });
      expect(error.message).toContain(join(app, "bundle", "worker.js"));
      expect(error.message).toMatch(/Keep `multiproc` and `@multiproc\/\*` external/);
    }
  });

  for (const [module, moduleResolution] of [["node16", "node16"], ["esnext", "bundler"]]) {
    it(`typecheck a TypeScript program with module ${module} and moduleResolution ${moduleResolution}`, async () => {
      const config = {
        compilerOptions: {
          module,
          moduleResolution,
          target: "ES2022",
          lib: ["ES2022", "ESNext.Disposable"],
          strict: true,
          noEmit: true,
          skipLibCheck: false,
          types: ["node"],
          typeRoots: [join(REPO, "node_modules/@types")],
        },
        files: ["typed.ts", "misuse.ts"],
      };
      writeFileSync(join(app, `tsconfig.${moduleResolution}.json`), JSON.stringify(config));
      const result = await run(process.execPath, [TSC, "-p", `tsconfig.${moduleResolution}.json`], { cwd: app }).then(
        ({ stdout, stderr }) => ({ code: 0, output: stdout + stderr }),
        (error: { code: number; stdout: string; stderr: string }) => ({ code: error.code, output: error.stdout + error.stderr }),
      );
      expect(result).toEqual({ code: 0, output: "" });
    });
  }
});

describe("a release, dry run", () => {
  it("changeset version bumps every package together and writes their changelogs, in a copy of the repository", async () => {
    const copy = mkdtempSync(join(tmpdir(), "multiproc-release-"));
    try {
      // The committed tree only (git archive), with the installed tools linked in.
      await run("sh", ["-c", `git -C "${REPO}" archive HEAD | tar -x -C "${copy}"`]);
      symlinkSync(join(REPO, "node_modules"), join(copy, "node_modules"));
      await run(process.execPath, [join(REPO, "node_modules/@changesets/cli/bin.js"), "version"], { cwd: copy, timeout: 120_000 });
      const versions = new Set<string>();
      for (const name of PACKAGES) {
        const manifest = JSON.parse(readFileSync(join(copy, "packages", name, "package.json"), "utf8")) as { version: string };
        versions.add(manifest.version);
        expect(readFileSync(join(copy, "packages", name, "CHANGELOG.md"), "utf8"), name).toMatch(/^# (@multiproc\/[\w-]+|multiproc)\n\n## \d+\.\d+\.\d+/);
      }
      expect([...versions]).toHaveLength(1); // "fixed": one version for all
      expect([...versions][0]).not.toBe("0.0.0");
      expect(readdirSync(join(copy, ".changeset")).filter((f) => f.endsWith(".md") && f !== "README.md")).toEqual([]);
    } finally {
      rmSync(copy, { recursive: true, force: true });
    }
  });
});

