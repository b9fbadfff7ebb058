import { MultiprocError } from "../errors/errors.js";
import { coreState } from "../state.js";

/**
 * Python's "safe importing of the main module", for threads. A worker imports
 * the modules its tasks live in, and those that define shareable kinds, so
 * their top-level code runs again in it. A module that starts a Process or a
 * Pool at its top level would then make every worker start more workers,
 * until the OS refuses (EAGAIN). So a worker counts the imports it makes for
 * its start-up and its tasks, and starting a worker while one is in progress
 * throws instead, as Python's bootstrapping check does.
 */
export async function importForWorker<T>(what: string, load: () => Promise<T>): Promise<T> {
  const done = startImporting(what);
  try {
    return await load();
  } finally {
    done();
  }
}

/** importForWorker for a synchronous load (a package loaded on first need, handle/deferred.ts). */
export function whileImporting<T>(what: string, load: () => T): T {
  const done = startImporting(what);
  try {
    return load();
  } finally {
    done();
  }
}

function startImporting(what: string): () => void {
  const importing = (coreState().importing ??= []);
  importing.push(what);
  return () => importing.splice(importing.lastIndexOf(what), 1);
}

/** Throws if this worker is still importing a module for its start-up or a task (see importForWorker). */
export function checkNotImporting(starting: string): void {
  const module = coreState().importing?.at(-1);
  if (module === undefined) return;
  throw new MultiprocError(
    `Cannot start ${starting} while this worker is still importing ${module}. Its top-level code starts ${starting}, ` +
      "and every worker imports that module again (it holds a task, or defines a shareable class), so each worker would start more workers. " +
      "Start processes and pools only in the main thread: put that code behind `if (isMainThread) { … }` (from node:worker_threads), " +
      "or move the tasks to a module of their own that starts nothing.",
    "ERR_MULTIPROC_START_WHILE_IMPORTING",
  );
}
