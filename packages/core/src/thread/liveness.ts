import type { Arena } from "../memory/arena.js";
import { BLOCK_HEADER_BYTES, H_MAX_TID, H_THREADS } from "../memory/layout.js";
import { KIND } from "../handle/kinds.js";

/**
 * Which threads of a process tree are alive, by threadId: what a waiter asks
 * about the owner of a lock it waits for (the robust-futex idea).
 *
 * A threadId is never reused within an OS process, so an entry can never be
 * mistaken for another thread's: a lock word that names a dead thread names
 * it for good. Entries live in the arena, found through a directory:
 *
 * ```
 * arena header word H_THREADS -> directory block: DIRECTORY_SLOTS offsets of chunks (0: none yet)
 * chunk: CHUNK_TIDS entries of ENTRY_WORDS int32 words, entry tid % CHUNK_TIDS of chunk tid / CHUNK_TIDS
 *   0 STATE   UNKNOWN (never registered), ALIVE, DEAD (its parent saw it exit), RECLAIMED (its references were released)
 *   1 PARENT  the parent's threadId + 1; 0 for a root (the main thread, or a thread multiproc did not start)
 *   2 RECORD  offset of the thread's record (records.ts): its name, its stop words, its ledger
 * ```
 * A thread is alive while its entry and every ancestor's say so: Node ends a
 * worker's workers when it exits, and their parent is then not there to
 * mark them. An UNKNOWN thread counts as alive (it may be starting, or was
 * not started by multiproc, so nobody will ever report its end).
 * Directory and chunks are published with a compare-exchange, so creating
 * them needs no lock; they are never freed while the arena lives.
 */
const DIRECTORY_SLOTS = 1024;
const CHUNK_TIDS = 1024;
const ENTRY_WORDS = 4;

export const UNKNOWN = 0;
export const ALIVE = 1;
export const DEAD = 2;
export const RECLAIMED = 3;

const STATE = 0;
const PARENT = 1;
const RECORD = 2;

/** The most threadIds the table covers; a thread beyond it counts as alive (UNKNOWN). */
export const MAX_TRACKED_TID = DIRECTORY_SLOTS * CHUNK_TIDS - 1;

/** Word index (into arena.i32) of `tid`'s entry, or -1 when it has none (and `create` is false). */
function entryIndex(arena: Arena, tid: number, create: boolean): number {
  if (tid < 0 || tid > MAX_TRACKED_TID) return -1;
  const directory = published(arena, H_THREADS, DIRECTORY_SLOTS * 4, create);
  if (directory === 0) return -1;
  const slot = ((directory + BLOCK_HEADER_BYTES) >>> 2) + Math.floor(tid / CHUNK_TIDS);
  const chunk = published(arena, slot, CHUNK_TIDS * ENTRY_WORDS * 4, create);
  if (chunk === 0) return -1;
  return ((chunk + BLOCK_HEADER_BYTES) >>> 2) + (tid % CHUNK_TIDS) * ENTRY_WORDS;
}

/** The block whose offset word `at` of the arena holds, made (zeroed) and published first if `create`. */
function published(arena: Arena, at: number, bytes: number, create: boolean): number {
  const offset = Atomics.load(arena.i32, at) >>> 0;
  if (offset !== 0 || !create) return offset;
  const made = arena.allocate(KIND.Buffer, bytes);
  const seen = Atomics.compareExchange(arena.i32, at, 0, made) >>> 0;
  if (seen === 0) return made;
  arena.release(made);
  arena.free(made);
  return seen;
}

/** Records `tid` as alive, started by `parentTid` (undefined for a root), with its record. */
export function registerThread(arena: Arena, tid: number, parentTid: number | undefined, record: number): void {
  const at = entryIndex(arena, tid, true);
  if (at < 0) return;
  const { i32 } = arena;
  Atomics.store(i32, at + PARENT, parentTid === undefined ? 0 : parentTid + 1);
  Atomics.store(i32, at + RECORD, record);
  Atomics.store(i32, at + STATE, ALIVE);
  for (let max = Atomics.load(i32, H_MAX_TID); tid > max; max = Atomics.load(i32, H_MAX_TID)) {
    if (Atomics.compareExchange(i32, H_MAX_TID, max, tid) === max) break;
  }
}

/** Parent side, once the worker `tid` has exited: it is dead from now on; whoever waits for that wakes. */
export function markThreadDead(arena: Arena, tid: number): void {
  const at = entryIndex(arena, tid, true);
  if (at < 0) return;
  if (Atomics.compareExchange(arena.i32, at + STATE, ALIVE, DEAD) !== ALIVE) {
    Atomics.compareExchange(arena.i32, at + STATE, UNKNOWN, DEAD);
  }
  Atomics.notify(arena.i32, at + STATE);
}

/** Whether `tid` and every ancestor of it are alive (an unknown thread counts as alive). */
export function isTidAlive(arena: Arena, tid: number): boolean {
  for (let depth = 0; depth < 256; depth++) {
    const at = entryIndex(arena, tid, false);
    if (at < 0) return true;
    const state = Atomics.load(arena.i32, at + STATE);
    if (state === DEAD || state === RECLAIMED) return false;
    const parent = Atomics.load(arena.i32, at + PARENT);
    if (state === UNKNOWN || parent === 0) return true;
    tid = parent - 1;
  }
  return true;
}

/** The word that turns DEAD (and is notified) when `tid`'s parent sees it exit; undefined if untracked. */
export function stateWord(arena: Arena, tid: number): { cell: Int32Array; index: number } | undefined {
  const at = entryIndex(arena, tid, true);
  return at < 0 ? undefined : { cell: arena.i32, index: at + STATE };
}

/** The record offset `tid` registered with (0: none). */
export function recordOf(arena: Arena, tid: number): number {
  const at = entryIndex(arena, tid, false);
  return at < 0 ? 0 : Atomics.load(arena.i32, at + RECORD) >>> 0;
}

/** `tid`'s parent threadId, or undefined for a root or an unknown thread. */
export function parentOf(arena: Arena, tid: number): number | undefined {
  const at = entryIndex(arena, tid, false);
  const parent = at < 0 ? 0 : Atomics.load(arena.i32, at + PARENT);
  return parent === 0 ? undefined : parent - 1;
}

/**
 * Marks `tid` RECLAIMED if it is dead and nobody did yet; true for the one
 * caller that did, which then releases what the thread held.
 */
export function claimReclaim(arena: Arena, tid: number): boolean {
  const at = entryIndex(arena, tid, false);
  return at >= 0 && Atomics.compareExchange(arena.i32, at + STATE, DEAD, RECLAIMED) === DEAD;
}

/**
 * The registered threads that are dead but whose
 * entries still say ALIVE because an ancestor died with them: Node ended
 * them together, and only the ancestor's parent saw it. Marks them DEAD.
 */
export function markOrphansDead(arena: Arena): number[] {
  const orphans: number[] = [];
  const highest = Math.min(Atomics.load(arena.i32, H_MAX_TID), MAX_TRACKED_TID);
  for (let tid = 1; tid <= highest; tid++) {
    const at = entryIndex(arena, tid, false);
    if (at < 0) {
      tid = (Math.floor(tid / CHUNK_TIDS) + 1) * CHUNK_TIDS - 1; // a whole chunk missing
      continue;
    }
    if (Atomics.load(arena.i32, at + STATE) !== ALIVE || isTidAlive(arena, tid)) continue;
    markThreadDead(arena, tid);
    orphans.push(tid);
  }
  return orphans;
}
