import { threadId, type Worker } from "node:worker_threads";
import type { Block } from "../handle/block.js";
import { adoptHomeArena } from "../memory/arena.js";
import { adoptThreadRecord, endChildRecord, newChildRecord, stopChildRecord } from "./records.js";
import { coreState } from "../state.js";
import { writeOutputDirectly } from "./output.js";
import { checkNotImporting, importForWorker } from "./bootstrap.js";
import { canDefer, deferPackage } from "../handle/deferred.js";

/** Process identity in multiproc terms: the thread's name and its threadId as pid. */
export interface ProcessInfo {
  /** The process's name ("MainProcess" on the main thread). */
  name: string;
  /** Its pid: the worker's threadId (0 on the main thread; `process.pid` is the OS process, shared by all). */
  pid: number;
}

/** What a worker started by multiproc receives, in `workerData`, to join its parent's process tree. */
export interface ThreadStartData {
  /** Every arena the parent knows, its home arena first: the child allocates in the same one. */
  arenas: SharedArrayBuffer[];
  /** Packages that define shareable kinds in the parent, with their module URLs as fallback. */
  packages: [name: string, moduleUrl: string][];
  /** Modules to import before anything else (loaders such as tsx's register). */
  preload: string[];
  name: string;
  parent: ProcessInfo;
  /** Offset of the child's liveness record in the first arena (see records.ts). */
  record: number;
}

/** A worker about to start: its start-up data, and the record to end when it exits. */
export interface ChildThread {
  data: ThreadStartData;
  record: Block;
  /** Set by childThreadEnded: the record is gone. */
  ended: boolean;
}

/**
 * Parent side: start-up data for a new worker named `name`, with a liveness
 * record the caller must pass to `childThreadEnded` once the worker has exited.
 */
export function prepareChildThread(name: string, preload: readonly string[] = [], starting = "a worker"): ChildThread {
  checkNotImporting(starting);
  const record = newChildRecord(name);
  const state = coreState();
  const arenas = [record.arena.buffer, ...[...state.arenas.values()].filter((a) => a !== record.arena).map((a) => a.buffer)];
  const data = { arenas, packages: [...state.packages], preload: [...preload], name, parent: { ...state.current }, record: record.offset };
  return { data, record, ended: false };
}

/**
 * Parent side: terminates the worker, but only once it is outside every
 * shared mutex (see memory/critical.ts). Use this, never worker.terminate()
 * alone, for a worker that may use multiproc objects.
 */
export async function terminateChildThread(child: ChildThread, worker: Worker): Promise<void> {
  if (!child.ended) await stopChildRecord(child.record, child.data.name, () => child.ended);
  await worker.terminate();
}

/**
 * Parent side: the worker has exited (whatever the way), or could not be
 * created. From now on it counts as dead (locks it held are taken over),
 * and what it held is released.
 */
export function childThreadEnded(child: ChildThread): void {
  if (child.ended) return;
  child.ended = true;
  endChildRecord(child.record);
}

/**
 * Worker side, first thing: adopt the parent's arenas, record who we are,
 * import the preload modules, then the packages that define shareable kinds
 * in the parent, so that handles arriving later revive synchronously:
 * multiproc's own on first need (handle/deferred.ts), any other now.
 */
export async function startThread(data: ThreadStartData): Promise<void> {
  writeOutputDirectly();
  const state = coreState();
  for (const buffer of data.arenas) adoptHomeArena(buffer);
  adoptThreadRecord(adoptHomeArena(data.arenas[0]!), data.record, data.parent.pid);
  state.current = { name: data.name, pid: threadId };
  state.parent = data.parent;
  for (const url of data.preload) await importForWorker(url, () => import(url));
  const missing = data.packages.filter(([name]) => !state.packages.has(name));
  for (const [name, moduleUrl] of missing) {
    if (!canDefer(name)) continue;
    state.packages.set(name, moduleUrl); // this worker's own workers get it too
    deferPackage(name, moduleUrl);
  }
  // All at once: their file reads overlap (a worker's start-up is mostly module loading).
  await Promise.all(
    missing.filter(([name]) => !canDefer(name)).map(([name, moduleUrl]) => importForWorker(moduleUrl || name, () => importPackage(name, moduleUrl))),
  );
}

async function importPackage(name: string, moduleUrl: string): Promise<void> {
  try {
    await import(name);
  } catch (byName) {
    // Not resolvable from core's location (a strict node_modules layout): load the parent's copy.
    if (!moduleUrl) throw byName;
    await import(moduleUrl);
  }
}

export function currentProcessInfo(): ProcessInfo {
  return { ...coreState().current };
}

export function parentProcessInfo(): ProcessInfo | null {
  const { parent } = coreState();
  return parent && { ...parent };
}
