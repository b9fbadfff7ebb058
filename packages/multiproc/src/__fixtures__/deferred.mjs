// Tasks for the tests of packages loaded on first need (deferred-packages,
// result-packages). This module imports no multiproc package at its top
// level: what a task finds loaded is what the worker loaded by itself.
const state = () => globalThis[Symbol.for("multiproc.core")];

/** The multiproc packages whose kinds are defined in this thread (kind ids below 1000 are multiproc's own). */
export function loadedPackages() {
  const own = [...state().kinds].filter(([kind]) => kind < 1000);
  return [...new Set(own.map(([, definition]) => definition.package))].sort();
}

/** Holds `lock` for a moment; says what was loaded before it arrived (the args are revived first, so: after) and now. */
export function holdLock(lock) {
  if (!lock.acquireSync({ timeout: 60_000 })) throw new Error("the lock stayed held");
  const held = lock.locked();
  lock.release();
  return { held, loaded: loadedPackages() };
}

/** Takes an Event from `queue` (revived inside getSync, synchronously) and sets it. */
export function takeEventAndSet(queue) {
  const before = loadedPackages();
  const event = queue.getSync({ timeout: 60_000 });
  event.set();
  return { before, after: loadedPackages() };
}

/** Passes `queue` on to a task of a nested pool, which takes a Lock from it; this worker never revives the lock. */
export async function passQueueOn(queue) {
  const { Pool, task } = await import("@multiproc/pool");
  const nested = new Pool({ processes: 1 });
  try {
    const inner = await nested.apply(task(new URL(import.meta.url), "takeLockAndHold"), [queue]);
    return { inner, here: loadedPackages() };
  } finally {
    await nested.terminate();
  }
}

export function takeLockAndHold(queue) {
  return holdLock(queue.getSync({ timeout: 60_000 }));
}

/** A nested pool's task throws a BrokenBarrierError: does it arrive here as that class, the one `import()` then gives? */
export async function catchNestedBarrierError() {
  const { Pool, task } = await import("@multiproc/pool");
  const before = loadedPackages();
  const nested = new Pool({ processes: 1 });
  try {
    await nested.apply(task(new URL(import.meta.url), "throwBrokenBarrier"), []);
    return { thrown: false };
  } catch (error) {
    const { BrokenBarrierError } = await import("@multiproc/event");
    return { before, name: error.name, isClass: error instanceof BrokenBarrierError, message: error.message };
  } finally {
    await nested.terminate();
  }
}

export async function throwBrokenBarrier() {
  const { BrokenBarrierError } = await import("@multiproc/event");
  throw new BrokenBarrierError("broken on purpose");
}

/** Keeps `queue` in this worker until `dropKept`: then this worker holds its last reference. */
export function keep(queue) {
  globalThis.kept = queue;
  return loadedPackages();
}

/** Drops the kept queue and collects it: its block, and the items still in it, are released here. */
export async function dropKept() {
  globalThis.kept = undefined;
  // test-utils imports only core (its own kinds are ids of 1000 and up, which loadedPackages leaves out).
  const { collectGarbage } = await import("@multiproc/test-utils");
  await collectGarbage();
  return loadedPackages();
}

export async function newLock() {
  const { Lock } = await import("@multiproc/lock");
  return { lock: new Lock() };
}

/** Whether `lock` could be taken at once (it is released again). */
export function tryAcquire(lock) {
  const got = lock.acquireSync({ timeout: 0 });
  if (got) lock.release();
  return got;
}

export function add(a, b) {
  return a + b;
}

/**
 * This worker as a thread that cannot load @multiproc/lock (a Node without
 * require(esm), 22.0–22.11, where nothing told it of the package): a nested
 * pool's task returns a Lock here. What the nested apply gave, and whether
 * that pool still runs tasks.
 */
export async function lockWhereItCannotLoad() {
  Object.defineProperty(process.features, "require_module", { value: false, configurable: true });
  state().deferred?.delete("@multiproc/lock");
  const { Pool, task } = await import("@multiproc/pool");
  const nested = new Pool({ processes: 1 });
  try {
    const here = new URL(import.meta.url);
    const error = await nested.apply(task(here, "newLock"), []).then(
      () => undefined,
      (reason) => reason.message,
    );
    const after = await nested.apply(task(here, "add"), [1, 2]);
    return { error, after, loaded: loadedPackages() };
  } finally {
    await nested.terminate();
  }
}
