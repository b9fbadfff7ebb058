import { threadId } from "node:worker_threads";
import { adoptHomeArena } from "../memory/arena.js";
import { coreState } from "../state.js";

/** Process identity in multiproc terms: the thread's name and its threadId as pid. */
export interface ProcessInfo {
  name: string;
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
}

/** Parent side: the start-up data for a new worker named `name`. */
export function threadStartData(name: string, preload: readonly string[] = []): ThreadStartData {
  const state = coreState();
  const arenas = [...state.arenas.values()].sort((a) => (a === state.home ? -1 : 0)).map((a) => a.buffer);
  return { arenas, packages: [...state.packages], preload: [...preload], name, parent: { ...state.current } };
}

/**
 * Worker side, first thing: adopt the parent's arenas, record who we are,
 * import the preload modules, then every package that defines shareable kinds
 * in the parent, so that handles arriving later revive synchronously.
 */
export async function startThread(data: ThreadStartData): Promise<void> {
  const state = coreState();
  for (const buffer of data.arenas) adoptHomeArena(buffer);
  state.current = { name: data.name, pid: threadId };
  state.parent = data.parent;
  for (const url of data.preload) await import(url);
  for (const [name, moduleUrl] of data.packages) {
    if (state.packages.has(name)) continue;
    try {
      await import(name);
    } catch (byName) {
      // Not resolvable from core's location (a strict node_modules layout): load the parent's copy.
      if (!moduleUrl) throw byName;
      await import(moduleUrl);
    }
  }
}

export function currentProcessInfo(): ProcessInfo {
  return { ...coreState().current };
}

export function parentProcessInfo(): ProcessInfo | null {
  const { parent } = coreState();
  return parent && { ...parent };
}
