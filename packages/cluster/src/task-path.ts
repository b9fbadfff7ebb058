import { dirname, isAbsolute, join, relative, sep } from "node:path";
import { existsSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";
import { compileSource, describe, isTaskRef, toTaskSpec } from "@multiproc/core/internal";
import { task, type TaskLike, type TaskRef } from "@multiproc/core";
import { SourceNotAllowedError } from "./errors.js";

/**
 * A task as it travels to another host: a `file:` URL does not exist
 * there, so a module under the client's project root travels as its path
 * relative to that root, resolved under the worker's `--root`; `data:` and
 * `node:` URLs travel as they are, and a function by value as its source.
 * Only the first runs on any worker; the others are code from the wire,
 * which runs only on workers started with `--allow-source`.
 */
export type PortableTask = { path: string; exportName: string } | { url: string; exportName: string } | { source: string; name: string };

/** The job's name in BullMQ (what dashboards show): the export, or the function's name. */
export function jobName(portable: PortableTask): string {
  return "source" in portable ? portable.name || "anonymous" : portable.exportName;
}

/** The directory of the nearest package.json above `file` (the project root); a TypeError when there is none. */
export function projectRootOf(file: string): string {
  for (let dir = dirname(file); ; dir = dirname(dir)) {
    if (existsSync(join(dir, "package.json"))) return dir;
    if (dirname(dir) === dir) throw new TypeError(`No package.json above the task module ${file}: pass \`root\`, the directory workers resolve task paths under (their --root)`);
  }
}

/** `fn` for the wire; a TypeError for a module outside `root`, or a function with no source (native, bound) or a class. */
export function portableTask(fn: unknown, root: string | undefined): PortableTask {
  if (typeof fn === "function") {
    const spec = toTaskSpec(fn, "fn");
    if (spec.by === "source") return { source: spec.source, name: spec.name };
  }
  if (!isTaskRef(fn)) {
    throw new TypeError(
      `Expected a task(url, exportName) reference or a function, got ${describe(fn)}: a cluster runs tasks on other hosts, which import the task's module from their --root`,
    );
  }
  const ref = fn as TaskRef;
  if (!ref.url.startsWith("file:")) return { url: ref.url, exportName: ref.exportName };
  const file = fileURLToPath(ref.url);
  const base = root ?? projectRootOf(file);
  const path = relative(base, file);
  if (path.startsWith("..") || isAbsolute(path)) {
    throw new TypeError(`The task module ${file} is outside the project root ${base}: workers import it from their --root, so it must be under \`root\``);
  }
  return { path: path.split(sep).join("/"), exportName: ref.exportName };
}

/**
 * Worker side: the function a portable task names. An export of a module
 * under `root` always; code from the wire (a function's source, a `data:`
 * or `node:` module) only with `allowSource`, else SourceNotAllowedError.
 * A TypeError for a path that leaves `root`.
 */
export function taskOnWorker(portable: PortableTask, root: string, allowSource: boolean): TaskLike {
  if ("path" in portable) {
    if (portable.path.split("/").includes("..") || isAbsolute(portable.path)) throw new TypeError(`Refusing the task path ${portable.path}: it leaves the worker's --root`);
    return task(pathToFileURL(join(root, portable.path)).href, portable.exportName);
  }
  const what = "source" in portable ? `the function ${portable.name || "(anonymous)"}, sent by value` : `${portable.exportName} of ${portable.url.slice(0, 60)}`;
  if (!allowSource) {
    throw new SourceNotAllowedError(
      `This worker (pid ${process.pid}) runs only exports of modules under its --root, so it did not run ${what}: start the workers with --allow-source (allowSource: true) ` +
        "to run code sent through Redis, on a Redis that only trusted clients can write to, or send task(url, exportName) of a module the workers have.",
    );
  }
  return "source" in portable ? (compileSource(portable.source) as TaskLike) : task(portable.url, portable.exportName);
}
