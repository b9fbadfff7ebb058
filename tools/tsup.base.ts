import { defineConfig, type Options } from "tsup";

/**
 * The build every package shares: ESM + CJS + .d.ts from one config, so the
 * entries are built in one pass (array configs race on `clean`, TOOLCHAIN P14).
 * `workers` names extra entries that run inside worker threads; they get no
 * .d.ts and must avoid top-level await (esbuild refuses it in the CJS twin).
 */
export function packageBuild(workers: Record<string, string> = {}): Options {
  return {
    entry: { index: "src/index.ts", ...workers },
    format: ["esm", "cjs"],
    dts: { entry: { index: "src/index.ts" } },
    sourcemap: true,
    clean: true,
    target: "node20",
    platform: "node",
    shims: true,
  };
}

export { defineConfig };
