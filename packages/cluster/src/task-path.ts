import { dirname, isAbsolute, join, relative, sep } from "node:path";
import { existsSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";
import { describe, isTaskRef } from "@multiproc/core/internal";
import type { TaskRef } from "@multiproc/core";

/**
 * A task as it travels to another host: a `file:` URL does not exist
 * there, so a module under the client's project root travels as its path
 * relative to that root, resolved under the worker's `--root`; `data:` and
 * `node:` URLs travel as they are.
 */
export type PortableTask = { path: string; exportName: string } | { url: string; exportName: string };

/** The directory of the nearest package.json above `file` (the project root); a TypeError when there is none. */
export function projectRootOf(file: string): string {
  for (let dir = dirname(file); ; dir = dirname(dir)) {
    if (existsSync(join(dir, "package.json"))) return dir;
    if (dirname(dir) === dir) throw new TypeError(`No package.json above the task module ${file}: pass \`root\`, the directory workers resolve task paths under (their --root)`);
  }
}

/** `fn` for the wire; a TypeError for a function by value or a module outside `root`. */
export function portableTask(fn: unknown, root: string | undefined): PortableTask {
  if (!isTaskRef(fn)) {
    throw new TypeError(
      `Expected a task(url, exportName) reference, got ${describe(fn)}: a cluster runs tasks on other hosts, which import the task's module from their --root`,
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

/** Worker side: the module URL of a portable task under `root`; a TypeError for a path that leaves it. */
export function taskUrlOnWorker(task: PortableTask, root: string): string {
  if ("url" in task) return task.url;
  if (task.path.split("/").includes("..") || isAbsolute(task.path)) throw new TypeError(`Refusing the task path ${task.path}: it leaves the worker's --root`);
  return pathToFileURL(join(root, task.path)).href;
}
