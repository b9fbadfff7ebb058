import { describe, expect, it } from "vitest";
import { SHAREABLE } from "@multiproc/core/internal";
import { collectGarbage } from "@multiproc/test-utils";
import { BrokenBarrierError, Condition, Event, Lock, Pool, Queue, task } from "multiproc";

// Every package is loaded in this thread (the umbrella imports them all), so
// each worker is told of all of them; multiproc's own load there only when a
// handle, a block or an error of theirs first needs them.
const TASKS = new URL("./__fixtures__/deferred.mjs", import.meta.url);
const at = (name: string) => task(TASKS, name);

/** Where Node cannot require() an ES module (22.0–22.11), workers import every package at start, as before. */
const DEFERS = (process.features as { require_module?: boolean }).require_module === true;
const EVERY = ["@multiproc/event", "@multiproc/lock", "@multiproc/manager", "@multiproc/pipe", "@multiproc/queue", "@multiproc/semaphore", "@multiproc/shared-value"];
const atStart = DEFERS ? ["@multiproc/queue"] : EVERY;
const not = (name: string) => (DEFERS ? expect.not.arrayContaining([name]) : expect.arrayContaining([name]));

describe(`packages a worker loads ${DEFERS ? "on first need" : "at start (this Node cannot require() ES modules)"}`, () => {
  it("a pool worker starts with none of the shareable packages but the queue's, and loads one when its handle arrives", async () => {
    await using pool = new Pool({ processes: 1 });
    expect(await pool.apply(at("loadedPackages"), [])).toEqual(atStart);
    const lock = new Lock();
    const withLock = [...new Set([...atStart, "@multiproc/lock"])].sort();
    const first = (await pool.apply(at("holdLock"), [lock])) as { held: boolean; loaded: string[] };
    expect(first).toEqual({ held: true, loaded: withLock });
    expect(lock.locked()).toBe(false);
    expect(await pool.apply(at("loadedPackages"), [])).toEqual(withLock);
  });

  it("revives an item of a package not loaded yet inside a synchronous getSync", async () => {
    await using pool = new Pool({ processes: 1 });
    const queue = new Queue<Event>();
    const event = new Event();
    queue.putSync(event);
    const seen = (await pool.apply(at("takeEventAndSet"), [queue])) as { before: string[]; after: string[] };
    expect(seen.before).toEqual(not("@multiproc/event"));
    expect(seen.after).toContain("@multiproc/event");
    expect(event.isSet()).toBe(true);
  });

  it("tells a worker's own workers of the packages it has not loaded", async () => {
    await using pool = new Pool({ processes: 1 });
    const queue = new Queue<Lock>();
    const lock = new Lock();
    queue.putSync(lock);
    const { inner, here } = (await pool.apply(at("passQueueOn"), [queue])) as { inner: { held: boolean; loaded: string[] }; here: string[] };
    expect(inner.held).toBe(true);
    expect(inner.loaded).toContain("@multiproc/lock");
    expect(here).toEqual(not("@multiproc/lock"));
    expect(lock.locked()).toBe(false);
  });

  it("rebuilds an error of a package not loaded yet as its class, the one a later import gives", async () => {
    await using pool = new Pool({ processes: 1 });
    const caught = (await pool.apply(at("catchNestedBarrierError"), [])) as Record<string, unknown>;
    expect(caught).toEqual({ before: atStart, name: "BrokenBarrierError", isClass: true, message: "broken on purpose" });
    expect(BrokenBarrierError.name).toBe("BrokenBarrierError");
  });

  it("disposes of a block of a package not loaded yet: a Condition left in a queue this worker drops last lets go of its Lock", async () => {
    await using pool = new Pool({ processes: 1 });
    const lock = new Lock();
    const lockBlock = lock[SHAREABLE]();
    let queue: Queue<Condition> | undefined = new Queue<Condition>();
    queue.putSync(new Condition(lock)); // the item holds the Condition's block; the Condition holds the Lock's
    await collectGarbage(); // the Condition instance here is gone: the queued item holds its last reference
    expect(lockBlock.arena.refcount(lockBlock.offset)).toBe(2); // this thread's lock, and the Condition's
    expect(await pool.apply(at("keep"), [queue])).toEqual(atStart);
    queue = undefined;
    await collectGarbage(); // now the worker holds the queue's last reference
    const after = (await pool.apply(at("dropKept"), [])) as string[];
    expect(after).toContain("@multiproc/lock"); // loaded to run the Condition's dispose
    expect(lockBlock.arena.refcount(lockBlock.offset)).toBe(1);
  });
});

