// Test helpers around the cells that tasks.mjs's blockUntil and leaveTimer use.
import { task } from "@multiproc/core/internal";
import { SharedArray } from "@multiproc/shared-value";

const TASKS = new URL("./tasks.mjs", import.meta.url);

/** A task function of tasks.mjs, by reference. */
export const ref = (name: string) => task(TASKS, name);

/** Two int32 words shared with blockUntil: [go, entered]. */
export const newCell = () => new SharedArray("i", 2);

/** Resolves once word 1 of the cell reaches `n` (tasks inside blockUntil, or ticks of leaveTimer). */
export async function entered(shared: SharedArray, n: number): Promise<void> {
  const cell = shared.raw as Int32Array;
  while (Atomics.load(cell, 1) < n) await Atomics.waitAsync(cell, 1, Atomics.load(cell, 1), 1000).value;
}

/** Lets every blockUntil on the cell return. */
export function release(shared: SharedArray): void {
  const cell = shared.raw as Int32Array;
  Atomics.store(cell, 0, 1);
  Atomics.notify(cell, 0);
}
