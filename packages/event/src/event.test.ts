import { inspect } from "node:util";
import { describe, expect, it } from "vitest";
import { deserializeError, ValueError } from "@multiproc/core/internal";
import { Barrier, BrokenBarrierError, Event } from "@multiproc/event";
import { runFixture } from "@multiproc/test-utils";

const WORKER = new URL("./__fixtures__/worker.mjs", import.meta.url);

function inWorker(name: string, args: Record<string, unknown>): Promise<unknown> {
  return runFixture(WORKER, { name, args }).then((reply) => {
    if (reply.error) throw deserializeError(reply.error);
    return reply.ok;
  });
}

/** Resolves once `barrier` has `n` waiters (polling its shared state, never sleeping blindly). */
async function untilWaiting(barrier: Barrier, n: number): Promise<void> {
  while (barrier.nWaiting < n) await new Promise((resolve) => setImmediate(resolve));
}

describe("Event", () => {
  it("is set, cleared and waited for", async () => {
    const event = new Event();
    expect(event.isSet()).toBe(false);
    await expect(event.wait({ timeout: 20 })).resolves.toBe(false);
    expect(event.waitSync({ timeout: 20 })).toBe(false);
    event.set();
    expect(event.isSet()).toBe(true);
    await expect(event.wait()).resolves.toBe(true);
    expect(event.waitSync({ timeout: 0 })).toBe(true);
    event.clear();
    expect(event.isSet()).toBe(false);
  });

  it("rejects with the signal's reason on abort, and checks its options", async () => {
    const event = new Event();
    const controller = new AbortController();
    const waiting = event.wait({ signal: controller.signal });
    setImmediate(() => controller.abort(new Error("never mind")));
    await expect(waiting).rejects.toThrow("never mind");
    await expect(event.wait({ timeout: Number.NaN })).rejects.toThrow(ValueError);
    expect(() => event.waitSync({ timeout: "x" as never })).toThrow(TypeError);
    // A number is the timeout; a negative one means "do not wait", as in Python.
    await expect(event.wait(-1)).resolves.toBe(false);
    expect(event.waitSync({ timeout: -1 })).toBe(false);
    expect(event.waitSync(5)).toBe(false);
  });

  it("set() wakes every waiter in every thread, sync and async", async () => {
    const event = new Event();
    const woken = new Int32Array(new SharedArrayBuffer(4));
    const waiters = ["sync", "async", "sync", "async"].map((mode) => inWorker("waitEvent", { event, woken, mode }));
    const here = event.wait();
    event.set();
    await expect(Promise.all(waiters)).resolves.toEqual([true, true, true, true]);
    await expect(here).resolves.toBe(true);
    expect(woken[0]).toBe(4);
  });
});

describe("Barrier", () => {
  it("checks its arguments", () => {
    expect(() => new Barrier(0)).toThrow(new ValueError("Expected `parties` to be a positive integer, got 0"));
    expect(() => new Barrier(1.5)).toThrow(ValueError);
    expect(() => new Barrier("2" as never)).toThrow(TypeError);
    expect(() => new Barrier(2, { action: 5 as never })).toThrow(/`action` to be a function or task/);
    expect(() => new Barrier(2, { timeout: Number.NaN })).toThrow(ValueError);
    expect(() => new Barrier(2, null as never)).toThrow(TypeError);
  });

  it("with one party returns index 0 at once and runs the action", async () => {
    (globalThis as unknown as { barrierRuns: number }).barrierRuns = 0;
    const barrier = new Barrier(1, { action: () => void (globalThis as unknown as { barrierRuns: number }).barrierRuns++ });
    await expect(barrier.wait()).resolves.toBe(0);
    expect(barrier.waitSync()).toBe(0);
    expect((globalThis as unknown as { barrierRuns: number }).barrierRuns).toBe(2);
    expect(barrier.parties).toBe(1);
  });

  it("gives each of its parties a distinct index, generation after generation, and runs the action once each", async () => {
    const parties = 3;
    const generations = 300;
    const actions = new Int32Array(new SharedArrayBuffer(4));
    const barrier = new Barrier(parties, {
      action: () => void Atomics.add((globalThis as unknown as { barrierActions: Int32Array }).barrierActions, 0, 1),
    });
    const seen = new Int32Array(new SharedArrayBuffer(4 * parties * generations));
    await Promise.all(["sync", "async", "sync"].map((mode) => inWorker("rounds", { barrier, seen, generations, mode, actions })));
    expect([...seen].every((n) => n === 1)).toBe(true);
    expect(actions[0]).toBe(generations);
    expect(barrier.broken).toBe(false);
    expect(barrier.nWaiting).toBe(0);
  });

  it("breaks on a timeout: that waiter and every later one get BrokenBarrierError until reset()", async () => {
    const barrier = new Barrier(2);
    const started = performance.now();
    await expect(barrier.wait({ timeout: 50 })).rejects.toThrow(new BrokenBarrierError("The barrier timed out and is now broken"));
    expect(performance.now() - started).toBeGreaterThanOrEqual(49);
    expect(barrier.broken).toBe(true);
    await expect(barrier.wait()).rejects.toThrow(BrokenBarrierError);
    expect(() => barrier.waitSync()).toThrow(BrokenBarrierError);
    barrier.reset();
    expect(barrier.broken).toBe(false);
  });

  it("uses the default timeout given at construction", () => {
    const barrier = new Barrier(2, { timeout: 30 });
    expect(() => barrier.waitSync()).toThrow(BrokenBarrierError);
  });

  it("abort() wakes waiters in other threads with BrokenBarrierError", async () => {
    const barrier = new Barrier(3);
    const waiters = ["sync", "async"].map((mode) => inWorker("waitBarrier", { barrier, mode }));
    await untilWaiting(barrier, 2);
    barrier.abort();
    const outcomes = await Promise.allSettled(waiters);
    expect(outcomes.map((o) => o.status === "rejected" && o.reason instanceof BrokenBarrierError)).toEqual([true, true]);
    expect(barrier.broken).toBe(true);
  });

  it("reset() breaks the current waiters, then the barrier works again", async () => {
    const barrier = new Barrier(2);
    const waiter = inWorker("waitBarrier", { barrier, mode: "sync" });
    await untilWaiting(barrier, 1);
    barrier.reset();
    await expect(waiter).rejects.toThrow(BrokenBarrierError);
    const again = inWorker("waitBarrier", { barrier, mode: "async" });
    const index = await barrier.wait({ timeout: 20_000 });
    expect([index, await again].sort()).toEqual([0, 1]);
  });

  it("an action that throws reaches the thread that ran it; the others get BrokenBarrierError", async () => {
    const barrier = new Barrier(2, {
      action: () => {
        throw new RangeError("action failed");
      },
    });
    const waiter = inWorker("waitBarrier", { barrier, mode: "async" });
    await untilWaiting(barrier, 1);
    await expect(barrier.wait()).rejects.toThrow(new RangeError("action failed"));
    await expect(waiter).rejects.toThrow(BrokenBarrierError);
  });

  it("an action that needs its closure fails in every thread alike, the creating one too, with an error that says why", async () => {
    let phase = 0;
    const sync = new Barrier(1, { action: () => void phase++ });
    expect(() => sync.waitSync()).toThrow(/was sent by value and uses `phase`, which does not exist in the worker/);
    const async = new Barrier(1, { action: () => void phase++ });
    await expect(async.wait()).rejects.toThrow(/uses `phase`/);
    expect([phase, sync.broken, async.broken]).toEqual([0, true, true]);
  });

  it("an async action works with wait() and breaks waitSync() with a clear TypeError", async () => {
    const asyncAction = new Barrier(1, { action: async () => void ((globalThis as unknown as { barrierRan: boolean }).barrierRan = true) });
    await asyncAction.wait();
    expect((globalThis as unknown as { barrierRan: boolean }).barrierRan).toBe(true);
    expect(() => asyncAction.waitSync()).toThrow(/returned a Promise, which waitSync\(\) cannot wait for/);
    expect(asyncAction.broken).toBe(true);
  });

  it("an aborted wait rejects with the reason and breaks the barrier for the others", async () => {
    const barrier = new Barrier(3);
    const waiter = inWorker("waitBarrier", { barrier, mode: "sync" });
    await untilWaiting(barrier, 1);
    const controller = new AbortController();
    const mine = barrier.wait({ signal: controller.signal });
    await untilWaiting(barrier, 2);
    controller.abort(new Error("leaving"));
    await expect(mine).rejects.toThrow("leaving");
    await expect(waiter).rejects.toThrow(BrokenBarrierError);
  });
});

describe("descriptions", () => {
  it("Event: address (the same in every thread) and set or unset", () => {
    const event = new Event();
    expect(String(event)).toMatch(/^<Event at 0x[0-9a-f]+ unset>$/);
    event.set();
    expect(inspect(event)).toMatch(/^<Event at 0x[0-9a-f]+ set>$/);
  });

  it("Barrier: waiters out of parties, or broken", async () => {
    const barrier = new Barrier(3);
    expect(String(barrier)).toMatch(/^<Barrier at 0x[0-9a-f]+ waiters=0\/3>$/);
    const waiter = inWorker("waitBarrier", { barrier, mode: "async" });
    await untilWaiting(barrier, 1);
    expect(inspect(barrier)).toMatch(/ waiters=1\/3>$/);
    barrier.abort();
    await expect(waiter).rejects.toThrow(BrokenBarrierError);
    expect(String(barrier)).toMatch(/^<Barrier at 0x[0-9a-f]+ broken>$/);
  });
});

