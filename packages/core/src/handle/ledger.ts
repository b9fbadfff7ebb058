import type { Arena } from "../memory/arena.js";
import { arenaById } from "../memory/arena.js";
import { coreState } from "../state.js";
import { KIND } from "./kinds.js";
import { LEDGER, payloadIndex } from "../thread/record-layout.js";

/**
 * A thread's ledger: the block references its live instances hold, in
 * shared memory, so that when the thread dies (however: terminated, out of
 * memory, with its parent) its parent releases them for it. Without it, a
 * Lock or Queue that only a dead worker still referenced would never be
 * freed, and a Pipe end it held would never tell the other end EOF.
 *
 * Only the owning thread writes its ledger (an instance is bound and, when
 * collected, unbound on its own thread); the parent reads it once the thread
 * has exited. Block payload (int32 words):
 * ```
 * 0 CAPACITY   entries the block has room for
 * 2..          entries of 2 words: arena id, block offset; 0 0 is a free entry
 * ```
 * The thread record's LEDGER word points to the current block; a full
 * ledger moves to one twice the size (a death in the middle of that leaks
 * one of the two blocks, never a reference).
 * The main thread keeps none: when it dies, everything does.
 */
const CAPACITY = 0;
const ENTRIES = 2;
const FIRST_CAPACITY = 64;

export interface LedgerState {
  arena: Arena;
  /** Index of the record's LEDGER word in arena.i32. */
  word: number;
  offset: number;
  entries: Int32Array;
  /** Entries ever used (the high-water mark); free ones below it are in `free`. */
  used: number;
  free: number[];
}

function ledgerOfThisThread(): LedgerState | undefined {
  const state = coreState();
  if (state.ledger !== undefined || !state.record || state.parent === null) return state.ledger;
  const { arena, offset } = state.record;
  state.ledger = { arena, word: payloadIndex(offset) + LEDGER, offset: 0, entries: new Int32Array(0), used: 0, free: [] };
  grow(state.ledger);
  return state.ledger;
}

function grow(ledger: LedgerState): void {
  const capacity = Math.max(FIRST_CAPACITY, ledger.entries.length); // entries.length is 2 words per entry: twice the room
  const { arena } = ledger;
  const offset = arena.allocate(KIND.Buffer, (ENTRIES + capacity * 2) * 4);
  const entries = new Int32Array(arena.buffer, offset + 16 + ENTRIES * 4, capacity * 2);
  entries.set(ledger.entries);
  Atomics.store(arena.i32, payloadIndex(offset) + CAPACITY, capacity);
  const old = ledger.offset;
  Atomics.store(arena.i32, ledger.word, offset); // from here on the parent reads the new block
  ledger.offset = offset;
  ledger.entries = entries;
  if (old !== 0 && arena.release(old)) arena.free(old);
}

/** Notes that an instance on this thread holds a reference to the block; returns its entry, or -1 when this thread keeps no ledger. */
export function ledgerAdd(arenaId: number, offset: number): number {
  const ledger = ledgerOfThisThread();
  if (!ledger) return -1;
  let index = ledger.free.pop();
  if (index === undefined) {
    if (ledger.used * 2 === ledger.entries.length) grow(ledger);
    index = ledger.used++;
  }
  ledger.entries[index * 2] = arenaId;
  ledger.entries[index * 2 + 1] = offset;
  return index;
}

/** The reference noted at `index` was dropped. */
export function ledgerRemove(index: number): void {
  const ledger = coreState().ledger;
  if (index < 0 || !ledger) return;
  ledger.entries[index * 2] = 0;
  ledger.entries[index * 2 + 1] = 0;
  ledger.free.push(index);
}

/**
 * Parent side, for a thread that has died: drops every reference its ledger
 * (at `offset` of `arena`) notes, with `release`, then frees the ledger.
 */
export function releaseLedger(arena: Arena, offset: number, release: (arena: Arena, offset: number) => void): void {
  if (offset === 0 || arena.kindOf(offset) !== KIND.Buffer) return;
  const base = payloadIndex(offset);
  const capacity = Atomics.load(arena.i32, base + CAPACITY);
  for (let i = 0; i < capacity; i++) {
    const id = arena.i32[base + ENTRIES + i * 2]!;
    const block = arena.i32[base + ENTRIES + i * 2 + 1]! >>> 0;
    const holder = id === 0 ? undefined : arenaById(id);
    if (holder && block !== 0) {
      try {
        release(holder, block);
      } catch {
        // A block that was already gone: nothing more to release for this entry.
      }
    }
  }
  if (arena.release(offset)) arena.free(offset);
}
