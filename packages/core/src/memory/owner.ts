import { coreState } from "../state.js";
import { isTidAlive } from "../thread/liveness.js";
import type { Arena } from "./arena.js";

/**
 * Whether the thread that a lock word names (`owner`: threadId + 1) has
 * died, by the liveness table of the arena that holds the word. A word in
 * memory this thread does not know as an arena, or an owner the table does
 * not know, counts as alive: never take over a lock on a guess.
 */
export function ownerIsDead(words: Int32Array, owner: number): boolean {
  if (owner === 0) return false;
  const arena = arenaOfBuffer(words.buffer);
  return arena !== undefined && !isTidAlive(arena, owner - 1);
}

function arenaOfBuffer(buffer: ArrayBufferLike): Arena | undefined {
  for (const arena of coreState().arenas.values()) if (arena.buffer === buffer) return arena;
  return undefined;
}
