import type { Arena } from "./memory/arena.js";
import type { KindDefinition } from "./handle/registry.js";
import type { ThreadRecordRef } from "./thread/records.js";
import type { CriticalGuard } from "./memory/critical.js";
import type { LedgerState } from "./handle/ledger.js";

/** Everything core keeps per thread. */
export interface CoreState {
  /** Arenas this thread can read, by arena id. */
  arenas: Map<number, Arena>;
  /** Where this thread allocates new blocks; created on first use. */
  home: Arena | undefined;
  /** Shareable kinds whose package is loaded in this thread. */
  kinds: Map<number, KindDefinition>;
  /** Error classes that can be rebuilt by name on this thread. */
  errorClasses: Map<string, new (...args: never[]) => Error>;
  /** Packages that define kinds: each worker multiproc starts gets them (imported at start, or on first need). */
  packages: Map<string, string>;
  /** Packages of `packages` this worker has not loaded yet: they load on first need (handle/deferred.ts). */
  deferred?: Map<string, string>;
  /** multiproc packages this thread tried to load on first need and could not, with why (handle/deferred.ts). */
  loadFailures?: Map<string, unknown>;
  /** This thread as a multiproc "process", and the thread that started it. */
  current: { name: string; pid: number };
  parent: { name: string; pid: number } | null;
  /** This thread's liveness record, once something needed it. */
  record: ThreadRecordRef | undefined;
  /** Whether this thread is inside a shared mutex, and may be stopped (memory/critical.ts). */
  critical?: CriticalGuard;
  /** The references this thread's instances hold, for its parent to release if it dies (handle/ledger.ts). */
  ledger?: LedgerState;
  /** Every reference an instance of this thread holds and has not released (handle/registry.ts), for reclaimUnreachable. */
  bound?: Set<BoundReference>;
  /** Modules this worker is importing for its start-up or its tasks, innermost last (thread/bootstrap.ts). */
  importing?: string[];
  /** Releases the references of collected instances now; returns how many (handle/registry.ts). */
  reclaim?: () => number;
}

/** One instance's reference to a block, and a weak way back to the instance. */
export interface BoundReference {
  readonly owner: WeakRef<object>;
  readonly arena: Arena;
  readonly offset: number;
  readonly entry: number;
}

const KEY = Symbol.for("multiproc.core");

/**
 * Module-level state lives on globalThis under a registered symbol, so the ESM
 * and CJS copies of core (and two installed copies of the same version) share
 * one arena table and one kind registry per thread.
 */
export function coreState(): CoreState {
  const holder = globalThis as { [KEY]?: CoreState };
  holder[KEY] ??= {
    arenas: new Map(),
    home: undefined,
    kinds: new Map(),
    errorClasses: new Map(),
    packages: new Map(),
    current: { name: "MainProcess", pid: 0 },
    parent: null,
    record: undefined,
  };
  return holder[KEY];
}
