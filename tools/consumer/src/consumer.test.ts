// What users get: every package packed as `npm publish` would pack it, the
// tarballs installed (offline) in a fresh project outside the monorepo, and
// that project run as users run it. No workspace links, no source files.
import { execFile } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const run = promisify(execFile);
const REPO = fileURLToPath(new URL("../../../", import.meta.url));
const PROJECT = fileURLToPath(new URL("./project/", import.meta.url));
const PACKAGES = ["core", "lock", "semaphore", "event", "shared-value", "queue", "pipe", "process", "pool", "multiproc"];
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
  await run("npm", ["install", "--offline", "--no-audit", "--no-fund", "--ignore-scripts", "--no-package-lock"], { cwd: app });
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
