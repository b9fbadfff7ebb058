import { fileURLToPath } from "node:url";
import { coreState } from "../state.js";
import { whileImporting } from "../thread/bootstrap.js";
import { isKindPackage, packageOfKind } from "./kinds.js";
import type { KindDefinition } from "./registry.js";

// A worker multiproc starts must revive, synchronously, any handle its parent
// can send it, so it used to import every package that defines kinds in the
// parent before its first task: about 20 ms of a pool worker's ~90 ms start
// here (the manager package alone 17 ms), though most workers never receive
// a single shareable. multiproc's own packages now load when first needed
// instead: a handle of one of their kinds to revive, a block of one to
// dispose of, an error whose class is not registered here. A synchronous
// load of an ES module is `require(esm)` (unflagged from Node 20.19 and
// 22.12; `process.features.require_module`); where Node lacks it, and for
// packages outside multiproc (whose top-level code may use await, or must
// run before a task), workers import them at start as before.

/** Whether `name` can wait for its first use in a worker (see above). */
export function canDefer(name: string): boolean {
  return isKindPackage(name) && process.features.require_module === true;
}

/** Packages of the parent not loaded in this worker yet: name → the parent's module URL (the fallback). */
function deferred(): Map<string, string> {
  return (coreState().deferred ??= new Map());
}

/** Worker start: `name` (known to define kinds) loads on first need. */
export function deferPackage(name: string, moduleUrl: string): void {
  deferred().set(name, moduleUrl);
}

/** The package has defined its kinds (loaded by us or by a task's own import): nothing left to load. */
export function packageLoaded(name: string): void {
  coreState().deferred?.delete(name);
}

/**
 * The definition of `kind` in this thread, loading its package first if it
 * is one of multiproc's and not loaded here: deferred in a worker (above),
 * or never imported in this thread at all, as a Lock that a pool task
 * returns to a main thread that imported only the pool. A package that
 * cannot be loaded (not installed, or a Node without require(esm)) leaves
 * the kind undefined; `loadFailure` says why, for the caller's error.
 */
export function kindDefinition(kind: number): KindDefinition | undefined {
  const state = coreState();
  const definition = state.kinds.get(kind);
  if (definition) return definition;
  const name = packageOfKind(kind);
  if (name === undefined || state.loadFailures?.has(name)) return undefined;
  const fallback = state.deferred?.get(name);
  if (fallback !== undefined) loadNow(name, fallback);
  else if (process.features.require_module === true) {
    try {
      loadNow(name, "");
    } catch (error) {
      (state.loadFailures ??= new Map()).set(name, error);
    }
  } else (state.loadFailures ??= new Map()).set(name, undefined);
  return state.kinds.get(kind);
}

/** Why the package of `kind` could not be loaded on first need in this thread (undefined: Node lacks require(esm)). */
export function loadFailure(kind: number): { error: unknown } | undefined {
  const name = packageOfKind(kind);
  const failures = coreState().loadFailures;
  return name !== undefined && failures?.has(name) ? { error: failures.get(name) } : undefined;
}

/** Loads every deferred package (an error class may be one of theirs); whether there were any. */
export function loadDeferredPackages(): boolean {
  const pending = coreState().deferred;
  if (!pending?.size) return false;
  for (const [name, moduleUrl] of [...pending]) loadNow(name, moduleUrl);
  return true;
}

/**
 * Loads a package synchronously, resolved as `import(name)` from core would
 * (the ES module build, the same instance a task's own import gets), falling
 * back to the parent's copy as the start-up import does.
 */
function loadNow(name: string, moduleUrl: string): void {
  packageLoaded(name); // once, even if it throws: the error says what failed, and a retry would fail the same way
  const require = process.getBuiltinModule("node:module").createRequire(CORE_URL);
  whileImporting(name, () => {
    let byName: string;
    try {
      byName = resolveAsImport(name, require);
    } catch (error) {
      if (!moduleUrl) throw error;
      byName = fileURLToPath(moduleUrl);
    }
    require(byName);
  });
}

const CORE_URL = import.meta.url;

/** The file `import(name)` loads from core. In core's CommonJS build `import.meta.resolve` is absent: there `require` resolves, as its `import()` does. */
function resolveAsImport(name: string, require: NodeJS.Require): string {
  const resolve = (import.meta as { resolve?: (specifier: string) => string }).resolve;
  return resolve ? fileURLToPath(resolve(name)) : require.resolve(name);
}
