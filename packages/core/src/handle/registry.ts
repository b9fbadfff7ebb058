import { v8Module, vmModule } from "../builtins.js";
import * as workerThreads from "node:worker_threads";
import { Arena, arenaById, homeArena } from "../memory/arena.js";
import { coreState, type BoundReference } from "../state.js";
import { Block } from "./block.js";
import { kindDefinition, loadFailure, packageLoaded } from "./deferred.js";
import { ledgerAdd, ledgerRemove } from "./ledger.js";
import { describeKind, FIRST_CUSTOM_KIND, KIND, LAST_BUILTIN_KIND, MAX_KIND, packageOfKind } from "./kinds.js";

/**
 * The protocol a shareable class implements: it owns a Block and returns it
 * from this method. Core finds shareables anywhere inside a value by this key.
 */
export const SHAREABLE = Symbol.for("multiproc.shareable");

/**
 * What a shareable class implements: `[SHAREABLE]()` returns the Block that a copy in another thread is revived from (`defineKind`'s `revive`).
 */
export interface Shareable {
  /** The block this instance shares; called when the instance is sent. */
  [SHAREABLE](): Block;
}

/** How a package teaches core to rebuild its instances from a handle. */
export interface KindDefinition {
  /** An id from `KIND`, or from FIRST_CUSTOM_KIND up for classes outside multiproc. */
  kind: number;
  /** Package new workers import before anything else, so its instances revive there (multiproc's own: on first need, handle/deferred.ts). */
  package: string;
  /** The defining module's URL: imported when `package` cannot be resolved from core. */
  moduleUrl?: string;
  /** A new instance over `block`; it takes over one reference (call `bindBlock`). */
  revive(block: Block): object;
  /** Runs when the last reference goes, before the block is freed: release what it references. */
  dispose?(block: Block): void;
}

/** Whether `value` implements the shareable protocol (a multiproc primitive, or a class of your own). */
export function isShareable(value: unknown): value is Shareable {
  return typeof value === "object" && value !== null && typeof (value as Partial<Shareable>)[SHAREABLE] === "function";
}

/**
 * Registers a shareable kind in this thread. Called at module load of the
 * defining package; calling it again for the same kind replaces the entry
 * (the ESM and CJS builds of one package register the same kinds).
 *
 * @example
 * ```ts
 * // counter.js: a shareable class of your own (the core README walks through it).
 * defineKind({ kind: FIRST_CUSTOM_KIND, package: "my-counter", moduleUrl: import.meta.url, revive: (block) => new Counter(block) });
 * ```
 */
export function defineKind(definition: KindDefinition): void {
  const { kind } = definition;
  if (!Number.isInteger(kind) || kind < 1 || kind > MAX_KIND || (kind > LAST_BUILTIN_KIND && kind < FIRST_CUSTOM_KIND)) {
    throw new RangeError(`Expected \`kind\` to be an id from KIND or an integer from ${FIRST_CUSTOM_KIND} to ${MAX_KIND}, got ${kind}`);
  }
  const state = coreState();
  state.kinds.set(kind, definition);
  state.packages.set(definition.package, definition.moduleUrl ?? "");
  packageLoaded(definition.package);
}

/** This thread's references held by instances (shared by every copy of core loaded in it). */
function boundReferences(): Set<BoundReference> {
  return (coreState().bound ??= new Set());
}

/** Releases a bound reference once: by close(), by the collector, or by reclaimUnreachable, whichever comes first. */
function releaseBound(bound: BoundReference): boolean {
  if (!boundReferences().delete(bound)) return false;
  ledgerRemove(bound.entry);
  releaseBlock(bound.arena, bound.offset);
  return true;
}

const finalizers = new FinalizationRegistry<BoundReference>(releaseBound);

/** Instances bound here and not yet released, for unbindBlock. */
const bindings = new WeakMap<object, BoundReference>();

/** A new block in this thread's home arena, refcount 1, owned by the caller. */
export function allocateBlock(kind: number, payloadBytes: number): Block {
  if (!Number.isInteger(payloadBytes) || payloadBytes < 0) {
    throw new RangeError(`Expected a block size to be a non-negative integer, got ${payloadBytes}`);
  }
  const arena = homeArena();
  return new Block(arena, arena.allocate(kind, payloadBytes));
}

/**
 * Ties one reference on `block` to `owner`: it is dropped when `owner` is
 * garbage-collected. Every instance of a shareable class does this once.
 */
export function bindBlock(owner: object, block: Block): void {
  const bound: BoundReference = { owner: new WeakRef(owner), arena: block.arena, offset: block.offset, entry: ledgerAdd(block.arena.id, block.offset) };
  boundReferences().add(bound);
  bindings.set(owner, bound);
  finalizers.register(owner, bound, owner);
}

/**
 * Drops the reference `owner` holds now, instead of when it is collected:
 * for a `close()` that lets go of shared memory at once (the last reference
 * frees the block). `owner` must not use the block afterwards. Returns false
 * if it held none (already released).
 */
export function unbindBlock(owner: object): boolean {
  const bound = bindings.get(owner);
  if (!bound) return false;
  bindings.delete(owner);
  finalizers.unregister(owner);
  return releaseBound(bound);
}

/**
 * The arena is full: collects garbage now and releases, at once, the
 * references of this thread's instances that are gone, without waiting for
 * their finalizers (which run only in a later task, too late for the
 * allocation that is failing). Instances made or used in the current
 * synchronous run stay alive until it ends (WeakRef semantics): a loop that
 * makes many objects without closing them can only be helped by close().
 * Returns the references released.
 */
export function reclaimUnreachable(): number {
  collectGarbageNow();
  let released = 0;
  for (const bound of [...boundReferences()]) {
    if (bound.owner.deref() === undefined && releaseBound(bound)) released++;
  }
  return released;
}

// The arena calls this when it is full (it cannot import this module: the registry is built on it).
coreState().reclaim = reclaimUnreachable;

let gc: (() => void) | undefined;

/**
 * V8's gc(): the global one under --expose-gc, or one made on demand (the
 * flag turned on, then gc taken from a fresh context). Only ever used when
 * the arena is full, where the alternative is failing the allocation.
 */
function collectGarbageNow(): void {
  gc ??= (globalThis as { gc?: () => void }).gc ?? exposeGc();
  gc();
}

function exposeGc(): () => void {
  v8Module().setFlagsFromString("--expose-gc");
  return vmModule().runInNewContext("gc") as () => void;
}

export function retainBlock(block: Block): void {
  block.arena.retain(block.offset);
}

/** Drops one reference; the last one disposes of the block and frees it. */
export function releaseBlock(arena: Arena, offset: number): void {
  if (!arena.release(offset)) return;
  const block = new Block(arena, offset);
  try {
    kindDefinition(block.kind)?.dispose?.(block);
  } finally {
    arena.free(offset);
  }
}

/** The block behind a shareable instance, for encoding a handle. */
export function blockOf(value: Shareable): Block {
  return value[SHAREABLE]();
}

/**
 * Rebuilds the instance behind a handle. The handle carried one reference
 * (taken when it was encoded), which the new instance now owns.
 */
export function reviveHandle(kind: number, arenaId: number, offset: number): object {
  const arena = arenaById(arenaId);
  if (!arena) {
    throw new Error(
      `Cannot revive ${describeKind(kind)}: its shared memory arena (${arenaId}) never reached this thread. ` +
        "Pass shareable objects to threads that multiproc did not start through Process or Pool arguments first.",
    );
  }
  const definition = kindDefinition(kind);
  if (!definition) {
    const pkg = packageOfKind(kind);
    const failure = loadFailure(kind);
    const why = failure?.error instanceof Error ? ` (loading it failed: ${failure.error.message})` : "";
    throw new Error(
      `Cannot revive ${describeKind(kind)} in this thread: its package is not loaded here${why}.` +
        (pkg ? ` Import "${pkg}" in this thread (for example in the task module).` : " Import the module that defines it."),
      failure?.error instanceof Error ? { cause: failure.error } : undefined,
    );
  }
  const actual = arena.kindOf(offset);
  if (actual !== kind) {
    throw new Error(`Cannot revive ${describeKind(kind)}: the block at ${offset} holds ${actual === 0 ? "nothing (it was freed)" : describeKind(actual)}`);
  }
  return definition.revive(new Block(arena, offset));
}

/**
 * Stores a counted reference to `target` in words [index, index + 1] of
 * `holder` (arena id, offset), for composite shareables such as a Condition
 * that holds its Lock. Drop it in the holder's `dispose` with `dropStoredBlock`.
 */
export function storeBlock(holder: Int32Array, index: number, target: Block): void {
  retainBlock(target);
  holder[index] = target.arena.id;
  holder[index + 1] = target.offset;
}

/** A new instance of what `storeBlock` put at `index`, with a reference of its own. */
export function reviveStoredBlock(holder: Int32Array, index: number, kind: number): object {
  const arena = arenaById(holder[index]!);
  const offset = holder[index + 1]! >>> 0;
  if (arena) arena.retain(offset);
  return reviveHandle(kind, holder[index]!, offset);
}

/** Drops the reference that `storeBlock` took at `index`: call it from a composite kind's `dispose`. */
export function dropStoredBlock(holder: Int32Array, index: number): void {
  const arena = arenaById(holder[index]!);
  if (arena) releaseBlock(arena, holder[index + 1]! >>> 0);
}

export { Block };

let revivingBlock: Block | undefined;

/**
 * Builds an instance for `revive` through the class's public constructor:
 * while `construct` runs, `claimBlock` hands it `block` instead of allocating.
 * One constructor path serves new and revived instances alike.
 */
export function constructRevived<T>(block: Block, construct: () => T): T {
  revivingBlock = block;
  try {
    return construct();
  } finally {
    revivingBlock = undefined;
  }
}

/**
 * A shareable constructor's first step: the block being revived (see
 * `constructRevived`), or a new one of `payloadBytes`. Either way the
 * caller's instance owns one reference, already bound to it.
 */
export function claimBlock(owner: object, kind: number, payloadBytes: number): { block: Block; revived: boolean } {
  const reviving = revivingBlock;
  revivingBlock = undefined;
  const block = reviving ?? allocateBlock(kind, payloadBytes);
  bindBlock(owner, block);
  markAsUncloneable?.(owner);
  return { block, revived: reviving !== undefined };
}

/**
 * Node >= 22.10: postMessage and structuredClone of the instance throw,
 * instead of delivering a plain `{}` that shares nothing (a shareable passed
 * to a Worker that multiproc did not start). multiproc itself never clones an
 * instance: it sends handles (toMessage, encode). Older Node: documented.
 */
const markAsUncloneable = (workerThreads as { markAsUncloneable?: (value: object) => void }).markAsUncloneable;
