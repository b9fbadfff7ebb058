import { isAbsolute } from "node:path";
import { pathToFileURL } from "node:url";
import { describe } from "../errors/describe.js";

declare const TASK_TYPE: unique symbol;

/** The type of a task whose function type was not given: any arguments, any result. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyTaskFunction = (...args: any[]) => unknown;

/**
 * A function named by module and export: the worker imports the module once
 * and calls the export (the analogue of pickling by qualified name). `F`
 * carries the function's type for the caller; it does not exist at run time.
 *
 * @typeParam F The function's type, which types the args and result of the calls that run it.
 */
export interface TaskRef<F extends (...args: never[]) => unknown = AnyTaskFunction> {
  /** Tells a task reference from other values, also after a structured clone. */
  readonly kind: "multiproc.task";
  /** The module's URL (`file:` URL or bare specifier), as given to `task()`. */
  readonly url: string;
  /** The name of the module's export to call. */
  readonly exportName: string;
  /** @hidden Carries `F` for the type checker; never set. */
  readonly [TASK_TYPE]?: F;
}

/**
 * A function the API can run on another thread: a task reference or a self-contained function.
 *
 * @typeParam F The function's type.
 */
export type TaskLike<F extends (...args: never[]) => unknown = AnyTaskFunction> = F | TaskRef<F>;

/** The arguments of a task-like value. */
export type TaskArgs<T> = T extends TaskRef<infer F> ? Parameters<F> : T extends (...args: infer A) => unknown ? A : never;
/** The awaited return type of a task-like value. */
export type TaskResult<T> = T extends TaskRef<infer F> ? Awaited<ReturnType<F>> : T extends (...args: never[]) => infer R ? Awaited<R> : never;

/**
 * Names an export of a module as a task.
 *
 * @typeParam F The function's type (`typeof import("./jobs.js").square`): types the args and result wherever the task runs.
 *
 * @param moduleUrl a `file:` or `data:` URL (`new URL("./jobs.js", import.meta.url)`),
 *   or an absolute path. Relative paths are refused: a worker would resolve them elsewhere.
 * @param exportName the export to call; `"default"` if omitted.
 * @example
 * ```ts
 * const square = task<typeof import("./jobs.js").square>(new URL("./jobs.js", import.meta.url), "square");
 * new Process({ target: square, args: [7] }).start();
 * ```
 */
export function task<F extends (...args: never[]) => unknown = AnyTaskFunction>(
  moduleUrl: string | URL,
  exportName = "default",
): TaskRef<F> {
  if (typeof exportName !== "string" || exportName === "") {
    throw new TypeError(`Expected \`exportName\` to be a non-empty string, got ${describe(exportName)}`);
  }
  return Object.freeze({ kind: "multiproc.task", url: normalizeModuleUrl(moduleUrl), exportName });
}

function normalizeModuleUrl(moduleUrl: string | URL): string {
  if (moduleUrl instanceof URL) return moduleUrl.href;
  if (typeof moduleUrl !== "string") {
    throw new TypeError(`Expected \`moduleUrl\` to be a URL or a string, got ${describe(moduleUrl)}`);
  }
  if (isAbsolute(moduleUrl)) return pathToFileURL(moduleUrl).href;
  if (/^(file|data|node):/.test(moduleUrl)) return moduleUrl;
  throw new TypeError(
    `Expected \`moduleUrl\` to be a file: or data: URL or an absolute path, got ${describe(moduleUrl)}. ` +
      'Resolve it where you call task(): new URL("./jobs.js", import.meta.url), or import.meta.resolve("package/jobs").',
  );
}

export function isTaskRef(value: unknown): value is TaskRef {
  return typeof value === "object" && value !== null && (value as Partial<TaskRef>).kind === "multiproc.task";
}

/** What crosses to the worker to say which function to run. */
export type TaskSpec = { by: "ref"; url: string; exportName: string } | { by: "source"; source: string; name: string };

/**
 * Checks a task-like value and turns it into a spec. `what` names the option
 * in error messages ("target", "initializer").
 */
export function toTaskSpec(fn: unknown, what: string): TaskSpec {
  if (isTaskRef(fn)) return { by: "ref", url: fn.url, exportName: fn.exportName };
  if (typeof fn !== "function") {
    throw new TypeError(`Expected \`${what}\` to be a function or task(url, exportName), got ${describe(fn)}`);
  }
  const source = Function.prototype.toString.call(fn);
  if (/\{\s*\[native code\]\s*\}\s*$/.test(source)) {
    throw new TypeError(
      `Cannot send \`${what}\` (${fn.name || "anonymous"}) by value: it is a native or bound function with no source. Use task(url, exportName).`,
    );
  }
  if (/^class\b/.test(source)) {
    throw new TypeError(`Cannot send \`${what}\` by value: it is a class, not a function. Use task(url, exportName).`);
  }
  return { by: "source", source, name: fn.name };
}
