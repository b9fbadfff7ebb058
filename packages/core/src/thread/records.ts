import { threadId } from "node:worker_threads";
import { type Arena, homeArena } from "../memory/arena.js";
import { BLOCK_HEADER_BYTES } from "../memory/layout.js";
import { Block } from "../handle/block.js";
import { KIND } from "../handle/kinds.js";
import { coreState } from "../state.js";
import { guardThisThread, requestStop } from "../memory/critical.js";
import { releaseLedger } from "../handle/ledger.js";
import { releaseBlock } from "../handle/registry.js";
import { IN_CRITICAL, LEDGER, NAME_BYTE, NAME_LENGTH, NAME_MAX_BYTES, payloadIndex, RECORD_WORDS, STOP, THREAD_ID } from "./record-layout.js";
import { claimReclaim, isTidAlive, markOrphansDead, markThreadDead, parentOf, recordOf, registerThread, stateWord } from "./liveness.js";

/**
 * A thread record: what other threads need to know of a thread that
 * multiproc started, in shared memory. Payload words:
 *
 * ```
 * 1 THREAD_ID    the thread's threadId (0 until the child has started)
 * 3 LEDGER       offset of the thread's ledger block (handle/ledger.ts), 0 while it has none
 * 4 NAME_LENGTH  bytes of the thread's multiproc name ("Process-3"), UTF-8 from byte 20, at most 108
 * 32 IN_CRITICAL 1 while the thread is inside a shared mutex
 * 33 STOP        1 once the parent wants to terminate it (memory/critical.ts)
 * ```
 * IN_CRITICAL is stored at every entry to a shared mutex, so it sits 128
 * bytes into a 256-byte payload: on a cache line of its own, never next to
 * another thread's record or a queue's words (false sharing there cost a
 * contended queue a third of its throughput).
 *
 * Whether a thread lives is the liveness table's business (liveness.ts),
 * by threadId; a record is freed once its thread is dead and reclaimed.
 */
/** This thread's record: where it is. */
export interface ThreadRecordRef {
  arena: Arena;
  offset: number;
}

/** The calling thread's record in its home arena; a root record (alive for good) on first use in a thread nobody started. */
export function currentThreadRecord(): ThreadRecordRef {
  const state = coreState();
  const arena = homeArena();
  if (state.record?.arena !== arena) {
    const offset = arena.allocate(KIND.ThreadRecord, RECORD_WORDS * 4);
    writeName(arena, offset, state.current.name);
    Atomics.store(arena.i32, payloadIndex(offset) + THREAD_ID, threadId);
    registerThread(arena, threadId, undefined, offset);
    state.record = { arena, offset };
  }
  return state.record;
}

/** Parent side: a record for a worker named `name` about to start (it registers itself with it). */
export function newChildRecord(name: string): Block {
  const parent = currentThreadRecord();
  const offset = parent.arena.allocate(KIND.ThreadRecord, RECORD_WORDS * 4);
  writeName(parent.arena, offset, name);
  return new Block(parent.arena, offset);
}

/** Child side, first thing at start-up: adopt the record the parent made, and say it is alive. */
export function adoptThreadRecord(arena: Arena, offset: number, parentTid: number): void {
  const w = payloadIndex(offset);
  Atomics.store(arena.i32, w + THREAD_ID, threadId);
  registerThread(arena, threadId, parentTid, offset);
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
 * Parent side, when the worker has exited (any way at all): it is dead
 * from now on, and so are the workers it had started, which Node ended with
 * it. What each of them held (its ledger) is released, and its record freed.
 */
export function endChildRecord(record: Block): void {
  const { arena } = record;
  // Written by the child first thing (adoptThreadRecord); 0 if it never got that far, and then it held nothing.
  const tid = Atomics.load(arena.i32, payloadIndex(record.offset) + THREAD_ID);
  if (tid === 0) {
    releaseRecord(arena, record.offset);
    return;
  }
  markThreadDead(arena, tid);
  // A child that died before registering never got its record into the table: free it here.
  if (recordOf(arena, tid) !== record.offset) {
    claimReclaim(arena, tid);
    releaseRecord(arena, record.offset);
  }
  for (const dead of [tid, ...markOrphansDead(arena)]) reclaimThread(arena, dead);
}

/** Releases every reference the dead thread `tid` held and frees its record; once per thread. */
function reclaimThread(arena: Arena, tid: number): void {
  if (!claimReclaim(arena, tid)) return;
  const record = recordOf(arena, tid);
  if (record === 0 || arena.kindOf(record) !== KIND.ThreadRecord) return;
  releaseLedger(arena, Atomics.load(arena.i32, payloadIndex(record) + LEDGER) >>> 0, releaseBlock);
  releaseRecord(arena, record);
}

function releaseRecord(arena: Arena, offset: number): void {
  if (arena.release(offset)) arena.free(offset);
}

/** A thread by threadId, in the arena whose liveness table knows it. */
export interface ThreadRef {
  arena: Arena;
  tid: number;
}

/** The thread that started this one, or undefined on a root thread. */
export function parentThread(): ThreadRef | undefined {
  const record = coreState().record;
  if (!record) return undefined;
  const tid = parentOf(record.arena, threadId);
  return tid === undefined ? undefined : { arena: record.arena, tid };
}

/**
 * The word that turns DEAD (and is notified) when `thread`'s parent sees it
 * exit: sleep on it while `isTidAlive` says yes, in slices, since an
 * ancestor's death ends it without touching this word.
 */
export function aliveWord(thread: ThreadRef): { cell: Int32Array; index: number } | undefined {
  return stateWord(thread.arena, thread.tid);
}

const nameEncoder = new TextEncoder();
const nameDecoder = new TextDecoder("utf-8", { ignoreBOM: true }); // a name keeps a leading U+FEFF

function writeName(arena: Arena, offset: number, name: string): void {
  const at = offset + BLOCK_HEADER_BYTES + NAME_BYTE;
  const { written } = nameEncoder.encodeInto(name, new Uint8Array(arena.buffer, at, NAME_MAX_BYTES));
  arena.i32[payloadIndex(offset) + NAME_LENGTH] = written;
}

/**
 * The multiproc name of the live thread `tid` (for descriptions such as
 * `<Lock(owner=Process-3)>`); undefined when it is gone or unknown. Best
 * effort: a record freed meanwhile reads as gone.
 */
export function threadName(arena: Arena, tid: number): string | undefined {
  const offset = recordOf(arena, tid);
  if (offset === 0 || !isTidAlive(arena, tid)) return undefined;
  const w = payloadIndex(offset);
  if (arena.kindOf(offset) !== KIND.ThreadRecord || Atomics.load(arena.i32, w + THREAD_ID) !== tid) return undefined;
  const length = Math.min(NAME_MAX_BYTES, Atomics.load(arena.i32, w + NAME_LENGTH));
  const name = nameDecoder.decode(new Uint8Array(arena.buffer, offset + BLOCK_HEADER_BYTES + NAME_BYTE, length).slice());
  return isTidAlive(arena, tid) ? name : undefined;
}

export { isTidAlive };
