import { importForWorker } from "../thread/bootstrap.js";
import type { TaskSpec } from "./task.js";

type AnyFunction = (...args: unknown[]) => unknown;

const modules = new Map<string, Promise<Record<string, unknown>>>();
const compiled = new Map<string, AnyFunction>();

/**
 * Helpers that compilers insert into function bodies and that a function sent
 * by value would not find in the worker: esbuild's and tsx's `__name` (from
 * keepNames) is the one met in practice. Defined as parameters of the wrapper
 * the source is compiled in, never as globals.
 */
const COMPILER_HELPERS: Record<string, unknown> = {
  __name: (target: unknown) => target,
};

/** Worker side: the function a spec names (modules are imported once per thread). */
export async function resolveTask(spec: TaskSpec): Promise<AnyFunction> {
  if (spec.by === "source") return compileSource(spec.source);
  let loading = modules.get(spec.url);
  if (!loading) {
    loading = import(spec.url).catch((error: unknown) => {
      modules.delete(spec.url);
      throw explainImportFailure(spec.url, error);
    });
    modules.set(spec.url, loading);
  }
  const module = await loading;
  const fn = module[spec.exportName];
  if (typeof fn !== "function") {
    const exports = Object.keys(module).filter((k) => typeof module[k] === "function");
    throw new TypeError(
      `Task module ${spec.url} has no function export named "${spec.exportName}"` +
        (exports.length ? ` (its function exports: ${exports.join(", ")})` : ""),
    );
  }
  return fn as AnyFunction;
}

/**
 * resolveTask for a worker that runs the task: the import of the task's
 * module counts as the worker's own (a module that starts workers at its top
 * level throws there, instead of multiplying workers: thread/bootstrap.ts).
 */
export function resolveWorkerTask(spec: TaskSpec): Promise<AnyFunction> {
  return spec.by === "source" ? resolveTask(spec) : importForWorker(spec.url, () => resolveTask(spec));
}

/**
 * Compiles a function's source in this thread's global scope. Method
 * shorthand (`square(x) { … }`) is turned back into a function expression.
 */
export function compileSource(source: string): AnyFunction {
  let fn = compiled.get(source);
  if (fn) return fn;
  const names = Object.keys(COMPILER_HELPERS);
  const values = Object.values(COMPILER_HELPERS);
  const attempt = (text: string) => new Function(...names, `"use strict"; return (${text});`)(...values) as AnyFunction;
  try {
    fn = attempt(source);
  } catch (error) {
    if (!(error instanceof SyntaxError)) throw error;
    const method = /^(async\s+)?(\*?)\s*/.exec(source)!;
    fn = attempt(`${method[1] ?? ""}function${method[2]} ${source.slice(method[0].length)}`);
  }
  compiled.set(source, fn);
  return fn;
}

/**
 * Calls a task function and awaits its result. A by-value function that
 * uses a name the worker lacks (a closure variable, an import) gets a
 * ReferenceError that says so and points to task().
 */
export async function callTask(spec: TaskSpec, fn: AnyFunction, args: readonly unknown[]): Promise<unknown> {
  try {
    return await fn(...args);
  } catch (error) {
    throw explainTaskError(spec, error);
  }
}

/** What a task threw, with the missing-name explanation added for a function sent by value (for callers that call `fn` themselves). */
export function explainTaskError(spec: TaskSpec, error: unknown): unknown {
  return spec.by === "source" ? explainMissingName(spec, error) : error;
}

function explainMissingName(spec: Extract<TaskSpec, { by: "source" }>, error: unknown): unknown {
  const missing = error instanceof ReferenceError ? /^(\S+) is not defined$/.exec(error.message)?.[1] : undefined;
  if (!missing) return error;
  return new ReferenceError(
    `The function ${spec.name ? `"${spec.name}" ` : ""}was sent by value and uses \`${missing}\`, which does not exist in the worker. ` +
      "A function sent by value keeps only its source: no closure variables and no imports of its module. " +
      'Import what it needs inside the function (await import("…")), or export it from a module and pass task(new URL("./module.js", import.meta.url), "name").',
    { cause: error },
  );
}

function explainImportFailure(url: string, error: unknown): unknown {
  const code = (error as { code?: string } | null)?.code;
  if (code === "ERR_UNKNOWN_FILE_EXTENSION" && /\.(c|m)?ts$/.test(new URL(url).pathname)) {
    return new TypeError(
      `Cannot load the TypeScript task module ${url}: this Node.js (${process.version}) cannot import .ts files in a worker by itself. ` +
        "On Node 20, pass a preload module that registers a loader (for tsx: preload: [new URL(\"./register-tsx.mjs\", import.meta.url)] " +
        "where that file runs register() from \"tsx/esm/api\"), compile the module to JavaScript, or use Node >= 22.18.",
      { cause: error },
    );
  }
  return error;
}
