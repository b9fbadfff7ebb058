import { describe, expect, it } from "vitest";
import { task } from "@multiproc/core";
import { Pool, ProcessPoolExecutor } from "@multiproc/pool";
import { loadedPackages } from "./__fixtures__/deferred.mjs";

// This file imports only the pool (and through it the queue): a Lock that a
// task makes and returns is of a package this thread never imported.
const TASKS = new URL("./__fixtures__/deferred.mjs", import.meta.url);
const at = (name: string) => task(TASKS, name);

type Lock = { acquireSync(options: { timeout: number }): boolean; locked(): boolean; release(): void };

/** Where Node cannot require() an ES module (22.0–22.11), a package cannot load on first need: the task fails instead. */
const LOADS = (process.features as { require_module?: boolean }).require_module === true;
const CANNOT_LOAD = 'Cannot revive a Lock (from @multiproc/lock) in this thread: its package is not loaded here. Import "@multiproc/lock" in this thread (for example in the task module).';

describe("a result holding a shareable of a package this thread never imported", () => {
  it(LOADS ? "loads the package when the result arrives: the Lock works here and is the worker's lock" : "fails that task with an error naming the package (this Node cannot require() ES modules)", async () => {
    expect(loadedPackages()).not.toContain("@multiproc/lock");
    await using pool = new Pool({ processes: 1 });
    if (!LOADS) {
      await expect(pool.apply(at("newLock"), [])).rejects.toThrow(CANNOT_LOAD);
      expect(await pool.apply(at("add"), [1, 2])).toBe(3);
      return;
    }
    const { lock } = (await pool.apply(at("newLock"), [])) as { lock: Lock };
    expect(loadedPackages()).toContain("@multiproc/lock");
    expect(lock.acquireSync({ timeout: 0 })).toBe(true);
    expect(await pool.apply(at("tryAcquire"), [lock])).toBe(false); // held here, seen there
    lock.release();
    expect(await pool.apply(at("tryAcquire"), [lock])).toBe(true);
    await using executor = new ProcessPoolExecutor({ maxWorkers: 1 });
    const { lock: another } = (await executor.submit(at("newLock"))) as { lock: Lock };
    expect(another.locked()).toBe(false);
  });

  it("where the package cannot be loaded, that task fails with an error naming the package, and the pool goes on", async () => {
    await using pool = new Pool({ processes: 1 });
    expect(await pool.apply(at("lockWhereItCannotLoad"), [])).toEqual({ error: CANNOT_LOAD, after: 3, loaded: ["@multiproc/queue"] });
  });
});
