import { defineConfig, type Options } from "tsup";

/**
 * The build every package shares: ESM + CJS + .d.ts from one config, so the
 * entries are built in one pass (array configs race on `clean`, TOOLCHAIN P14).
 * `workers` names extra entries that run inside worker threads; they get no
 * .d.ts and must avoid top-level await (esbuild refuses it in the CJS twin).
 */
export function packageBuild(workers: Record<string, string> = {}, options: { internal?: boolean } = {}): Options {
  const typed: Record<string, string> = { index: "src/index.ts", ...(options.internal && { internal: "src/internal.ts" }) };
  return {
    entry: { ...typed, ...workers },
    format: ["esm", "cjs"],
    // Split in CJS too: `index` and `internal` must share one copy of each
    // class (an error thrown by one entry's code must be `instanceof` the
    // other's export), which separate bundles would break.
    splitting: options.internal === true,
    // `@internal` members (Future.settle, the AsyncResult constructor, ...)
    // are for sibling packages' source, not the published types.
    dts: { entry: typed, compilerOptions: { stripInternal: true } },
    sourcemap: true,
    clean: true,
    target: "node20",
    platform: "node",
    shims: true,
    // The CommonJS twin has no `import.meta.resolve` (a syntax error there);
    // code that needs it checks for `undefined` (core's handle/deferred.ts).
    esbuildOptions(esbuild, { format }) {
      if (format === "cjs") esbuild.define = { ...esbuild.define, "import.meta.resolve": "undefined" };
    },
  };
}

export { defineConfig };
