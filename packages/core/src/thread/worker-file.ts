import { fsModule } from "../builtins.js";
import { fileURLToPath } from "node:url";
import { MultiprocError } from "../errors/errors.js";

const found = new Set<string>();

/**
 * `url`, the worker entry file that `pkg` ships next to its build, once it is
 * known to exist. It is missing when a bundler (esbuild, webpack, Rollup,
 * Vite) inlined the package into an app's bundle: `new URL("./worker.js",
 * import.meta.url)` then points beside the bundle, and Node would only report
 * "Cannot find module" from inside the worker, later. Checked once per file.
 */
export function checkWorkerFile(url: URL, pkg: string): URL {
  if (found.has(url.href) || url.protocol !== "file:") return url;
  const path = fileURLToPath(url);
  if (!fsModule().existsSync(path)) {
    throw new MultiprocError(
      `Cannot start a worker: ${path} does not exist. ${pkg} starts its workers from that file, which it ships beside its build; ` +
        "it is missing when a bundler inlined multiproc into your bundle. Keep `multiproc` and `@multiproc/*` external " +
        "(esbuild --external:multiproc --external:@multiproc/*, webpack `externals`, Vite `ssr.external`) and install them with your app.",
      "ERR_MULTIPROC_WORKER_FILE_MISSING",
    );
  }
  found.add(url.href);
  return url;
}
