import { threadId } from "node:worker_threads";
import { type Arena, homeArena } from "../memory/arena.js";
import { BLOCK_HEADER_BYTES } from "../memory/layout.js";
import { Block } from "../handle/block.js";
import { KIND } from "../handle/kinds.js";
import { releaseBlock } from "../handle/registry.js";
import { coreState } from "../state.js";
import { guardThisThread, requestStop } from "../memory/critical.js";

/**
 * A thread record says whether a thread is still alive, so that waiters on a
 * lock can tell that its owner died (the robust-futex idea). Payload words:
 *
 * ```
 * 0 ALIVE        1 while the thread runs; the parent stores 0 when it sees the worker exit
 * 1 THREAD_ID    the thread's threadId (0 until the child has started)
 * 2 PARENT       offset of the parent's record in the same arena (0: a root thread)
 * 3 PARENT_TID   the parent's threadId, to detect a parent record freed and reused
 * 4 NAME_LENGTH  bytes of the thread's multiproc name ("Process-3"), UTF-8 from byte 20, at most 108
 * 32 IN_CRITICAL 1 while the thread is inside a shared mutex
 * 33 STOP        1 once the parent wants to terminate it (memory/critical.ts)
 * ```
 * IN_CRITICAL is stored at every entry to a shared mutex, so it sits 128
 * bytes into a 256-byte payload: on a cache line of its own, never next to
 * another thread's record or a queue's words (false sharing there cost a
 * contended queue a third of its throughput).
 * A thread is alive while its record and every ancestor's record say so: a
 * worker that dies takes its own workers with it, and their records are never
 * marked by a parent that is gone. The parent frees a child's record after the
 * child exits; a reader that finds the block freed, or reused by another
 * thread (THREAD_ID differs), rightly concludes the thread is dead.
 */
const ALIVE = 0;
const THREAD_ID = 1;
const PARENT = 2;
const PARENT_TID = 3;
const NAME_LENGTH = 4;
const NAME_BYTE = 20;
const NAME_MAX_BYTES = 108;
const IN_CRITICAL = 32;
const STOP = 33;
const WORDS = 64;

/** This thread's record: where it is, and the threadId that must be in it. */
export interface ThreadRecordRef {
  arena: Arena;
  offset: number;
}

function payloadIndex(offset: number): number {
  return (offset + BLOCK_HEADER_BYTES) >>> 2;
}

/** The calling thread's record in its home arena; a root record on first use in the main thread. */
export function currentThreadRecord(): ThreadRecordRef {
  const state = coreState();
  const arena = homeArena();
  if (state.record?.arena !== arena) {
    const offset = arena.allocate(KIND.ThreadRecord, WORDS * 4);
    const w = payloadIndex(offset);
    writeName(arena, offset, state.current.name);
    Atomics.store(arena.i32, w + THREAD_ID, threadId);
    Atomics.store(arena.i32, w + ALIVE, 1);
    state.record = { arena, offset };
  }
  return state.record;
}

/** Parent side: a record for a worker named `name` about to start (it fills in its threadId). */
export function newChildRecord(name: string): Block {
  const parent = currentThreadRecord();
  const offset = parent.arena.allocate(KIND.ThreadRecord, WORDS * 4);
  const w = payloadIndex(offset);
  const { i32 } = parent.arena;
  writeName(parent.arena, offset, name);
  i32[w + PARENT] = parent.offset;
  i32[w + PARENT_TID] = threadId;
  Atomics.store(i32, w + ALIVE, 1);
  return new Block(parent.arena, offset);
}

/** Child side, at start-up: adopt the record the parent made. */
export function adoptThreadRecord(arena: Arena, offset: number): void {
  const w = payloadIndex(offset);
  Atomics.store(arena.i32, w + THREAD_ID, threadId);
  // A fixed-length view of the two words: V8 compiles Atomics on a length-tracking view of
  // a growable buffer (arena.i32) into slow calls, and this one is used at every mutex.
  guardThisThread(new Int32Array(arena.buffer, (w + IN_CRITICAL) * 4, 2), 0, STOP - IN_CRITICAL);
  coreState().record = { arena, offset };
}

/** Parent side, before terminating a worker: resolves once it is outside every shared mutex, for good. */
export function stopChildRecord(record: Block, name: string, ended: () => boolean): Promise<void> {
  const w = payloadIndex(record.offset);
  return requestStop(record.arena.i32, w + IN_CRITICAL, w + STOP, name, ended);
}

/**
 * Parent side, when the worker has exited: mark it dead, wake whoever waits
 * for that (a child joining its parent; lock waiters poll instead), and free
 * the record.
 */
export function endChildRecord(record: Block): void {
  const alive = payloadIndex(record.offset) + ALIVE;
  Atomics.store(record.arena.i32, alive, 0);
  Atomics.notify(record.arena.i32, alive);
  releaseBlock(record.arena, record.offset);
}

/** A thread as its record names it: enough to ask whether it lives, and to wait for its end. */
export interface ThreadRef {
  arena: Arena;
  /** Offset of its record. */
  offset: number;
  tid: number;
}

/** The thread that started this one (from this thread's record), or undefined on a root thread. */
export function parentThread(): ThreadRef | undefined {
  const record = coreState().record;
  if (!record) return undefined;
  const w = payloadIndex(record.offset);
  const offset = Atomics.load(record.arena.i32, w + PARENT) >>> 0;
  return offset === 0 ? undefined : { arena: record.arena, offset, tid: Atomics.load(record.arena.i32, w + PARENT_TID) };
}

/**
 * The word of `thread`'s record that turns 0 (and is notified) when its
 * parent sees it exit: sleep on it while `isThreadAlive` says yes, in
 * slices, since an ancestor's death ends it without touching this word.
 */
export function aliveWord(thread: ThreadRef): { cell: Int32Array; index: number } {
  return { cell: thread.arena.i32, index: payloadIndex(thread.offset) + ALIVE };
}

const nameEncoder = new TextEncoder();
const nameDecoder = new TextDecoder();

function writeName(arena: Arena, offset: number, name: string): void {
  const at = offset + BLOCK_HEADER_BYTES + NAME_BYTE;
  const { written } = nameEncoder.encodeInto(name, new Uint8Array(arena.buffer, at, NAME_MAX_BYTES));
  arena.i32[payloadIndex(offset) + NAME_LENGTH] = written;
}

/**
 * The multiproc name of the live thread `tid` whose record is at `offset`
 * (for descriptions such as `<Lock(owner=Process-3)>`); undefined once that
 * thread is gone. Best effort: a record freed meanwhile reads as gone.
 */
export function threadName(arena: Arena, offset: number, tid: number): string | undefined {
  if (offset === 0 || !isThreadAlive(arena, offset, tid)) return undefined;
  const length = Math.min(NAME_MAX_BYTES, Atomics.load(arena.i32, payloadIndex(offset) + NAME_LENGTH));
  const name = nameDecoder.decode(new Uint8Array(arena.buffer, offset + BLOCK_HEADER_BYTES + NAME_BYTE, length).slice());
  return isThreadAlive(arena, offset, tid) ? name : undefined;
}

/**
 * Whether the thread `tid` whose record sits at `offset` of `arena` is still
 * alive. Offset 0 means "no record known", taken as alive.
 */
export function isThreadAlive(arena: Arena, offset: number, tid: number): boolean {
  const { i32 } = arena;
  for (let depth = 0; offset !== 0 && depth < 256; depth++) {
    if (arena.kindOf(offset) !== KIND.ThreadRecord) return false;
    const w = payloadIndex(offset);
    if (Atomics.load(i32, w + THREAD_ID) !== tid || Atomics.load(i32, w + ALIVE) === 0) return false;
    tid = Atomics.load(i32, w + PARENT_TID);
    offset = Atomics.load(i32, w + PARENT) >>> 0;
  }
  return true;
}
