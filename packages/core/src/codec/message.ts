import { adoptHomeArena } from "../memory/arena.js";
import { blockOf, retainBlock, reviveHandle, type Shareable } from "../handle/registry.js";
import { replaceShareables, restoreShareables, scan } from "./walk.js";

/**
 * A value ready for postMessage (worker start, Pool tasks): structured clone
 * carries it, with shareables replaced by marks and their handles listed
 * beside it. `arenas` carries the arena buffers themselves, so a thread that
 * has not seen them yet (a worker multiproc did not start) can adopt them.
 */
export interface Message {
  value: unknown;
  handles?: number[];
  arenas?: SharedArrayBuffer[];
}

/** Throws a TypeError naming the path of an unsendable part; retains nothing when it throws. */
export function toMessage(value: unknown, path = "value"): Message {
  if (typeof value !== "object" || value === null) {
    if (typeof value === "function" || typeof value === "symbol") scan(value, path);
    return { value };
  }
  const dirty = scan(value, path);
  if (!dirty) return { value };
  const shareables: Shareable[] = [];
  const replaced = replaceShareables(value, dirty, shareables);
  const handles: number[] = [];
  const arenas = new Map<number, SharedArrayBuffer>();
  const blocks = shareables.map(blockOf); // all first: one that refuses to be sent throws before anything is retained
  for (const block of blocks) {
    retainBlock(block);
    handles.push(block.kind, block.arena.id, block.offset);
    arenas.set(block.arena.id, block.arena.buffer);
  }
  return { value: replaced, handles, arenas: [...arenas.values()] };
}

/** The value of a message made by `toMessage`, shareables revived. Call once per message. */
export function fromMessage(message: Message): unknown {
  if (!message.handles) return message.value;
  for (const buffer of message.arenas ?? []) adoptHomeArena(buffer);
  const revived: object[] = [];
  for (let i = 0; i < message.handles.length; i += 3) {
    revived.push(reviveHandle(message.handles[i]!, message.handles[i + 1]!, message.handles[i + 2]!));
  }
  return restoreShareables(message.value, revived);
}
