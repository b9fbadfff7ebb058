import { inspect } from "node:util";
import { describe, expect, it } from "vitest";
import { deserializeError, SHAREABLE, ValueError } from "@multiproc/core/internal";
import { Condition, Lock, RLock } from "@multiproc/lock";
import { runFixture } from "@multiproc/test-utils";

const CONTEND = new URL("./__fixtures__/contend.mjs", import.meta.url);
const SCENARIO = new URL("./__fixtures__/scenario.mjs", import.meta.url);

async function scenario(name: string, args: Record<string, unknown>): Promise<unknown> {
  const reply = await runFixture(SCENARIO, { name, args });
  if (reply.error) throw deserializeError(reply.error);
  return reply.ok;
}

/** Two workers increment a plain shared counter under `lock`; returns the final count. */
async function contend(lock: Lock | RLock, rounds: number, modes: [string, string], nested = false): Promise<number> {
  const cell = new Int32Array(new SharedArrayBuffer(4));
  const start = new Int32Array(new SharedArrayBuffer(4));
  await Promise.all(modes.map((mode) => runFixture(CONTEND, { lock, cell, rounds, start, mode, nested })));
  return cell[0]!;
}

function captureWarnings(): { warnings: Error[]; stop: () => void } {
  const warnings: Error[] = [];
  const listener = (warning: Error) => warnings.push(warning);
  process.on("warning", listener);
  return { warnings, stop: () => process.off("warning", listener) };
}

describe("Lock", () => {
  describe("acquire() and release()", () => {
    it("take and free the lock", async () => {
      const lock = new Lock();
      expect(lock.locked()).toBe(false);
      await expect(lock.acquire()).resolves.toBe(true);
      expect(lock.locked()).toBe(true);
      expect(lock.tryAcquire()).toBe(false);
      lock.release();
      expect(lock.acquireSync()).toBe(true);
      lock.release();
      expect(lock.locked()).toBe(false);
    });

    it("resolve false after the timeout while another holds it", async () => {
      const lock = new Lock();
      lock.acquireSync();
      const started = performance.now();
      await expect(lock.acquire({ timeout: 50 })).resolves.toBe(false);
      expect(performance.now() - started).toBeGreaterThanOrEqual(49);
      expect(lock.acquireSync({ timeout: 30 })).toBe(false);
      expect(lock.acquireSync({ timeout: 0 })).toBe(false);
      // A number is the timeout; a negative one means "do not wait", as in Python.
      await expect(lock.acquire(-1)).resolves.toBe(false);
      expect(lock.acquireSync({ timeout: -5 })).toBe(false);
      expect(lock.acquireSync(10)).toBe(false);
      lock.release();
      expect(lock.acquireSync({ timeout: 0 })).toBe(true);
    });

    it("wake a waiter when another thread releases", async () => {
      const lock = new Lock();
      lock.acquireSync();
      const waiting = lock.acquire({ timeout: 20_000 });
      await scenario("release", { lock });
      await expect(waiting).resolves.toBe(true);
      expect(lock.locked()).toBe(true);
    });

    it("reject with the signal's reason on abort, leaving the lock as it was", async () => {
      const lock = new Lock();
      lock.acquireSync();
      const controller = new AbortController();
      const waiting = lock.acquire({ signal: controller.signal });
      setImmediate(() => controller.abort(new Error("gave up")));
      await expect(waiting).rejects.toThrow("gave up");
      lock.release();
      await expect(lock.acquire({ signal: AbortSignal.abort(new Error("already")) })).rejects.toThrow("already");
      expect(lock.locked()).toBe(false);
      expect(() => lock.acquireSync({ signal: AbortSignal.abort(new Error("sync")) })).toThrow("sync");
      expect(lock.locked()).toBe(false);
    });

    it("reject bad options without touching the lock", async () => {
      const lock = new Lock();
      await expect(lock.acquire({ timeout: Number.NaN })).rejects.toThrow(ValueError);
      await expect(lock.acquire({ timeout: "1" as never })).rejects.toThrow(TypeError);
      expect(() => lock.acquireSync({ signal: "no" as never })).toThrow(TypeError);
      expect(lock.locked()).toBe(false);
    });

    it("release() of an unlocked lock throws ValueError", () => {
      expect(() => new Lock().release()).toThrow(new ValueError("Cannot release an unlocked Lock"));
    });

    it("any thread may release a Lock, as in Python", async () => {
      const lock = new Lock();
      lock.acquireSync();
      await scenario("release", { lock });
      expect(lock.locked()).toBe(false);
    });
  });

  describe("withLock() and withLockSync()", () => {
    it("return the function's result and always release", async () => {
      const lock = new Lock();
      await expect(lock.withLock(async () => 7)).resolves.toBe(7);
      await expect(
        lock.withLock(() => {
          throw new Error("inside");
        }),
      ).rejects.toThrow("inside");
      expect(lock.locked()).toBe(false);
      expect(lock.withLockSync(() => lock.locked())).toBe(true);
      expect(() =>
        lock.withLockSync(() => {
          throw new Error("sync inside");
        }),
      ).toThrow("sync inside");
      expect(lock.locked()).toBe(false);
      await expect(lock.withLock(5 as never)).rejects.toThrow(TypeError);
    });
  });

  describe("mutual exclusion across threads", () => {
    it("2 workers x 500k sync increments of a plain counter give exactly 1M", async () => {
      expect(await contend(new Lock(), 500_000, ["sync", "sync"])).toBe(1_000_000);
    });

    it("sync and async waiters mixed give the exact total", async () => {
      expect(await contend(new Lock(), 100_000, ["sync", "async"])).toBe(200_000);
    });
  });

  describe("an owner that dies holding the lock", () => {
    it("is detected: the next waiter takes the lock over, with a warning", async () => {
      const lock = new Lock();
      const flag = new Int32Array(new SharedArrayBuffer(4));
      const { warnings, stop } = captureWarnings();
      await expect(scenario("holdAndExit", { lock, flag })).rejects.toThrow(/exited with 3/);
      expect(lock.locked()).toBe(true);
      await expect(lock.acquire({ timeout: 20_000 })).resolves.toBe(true);
      await new Promise((resolve) => setImmediate(resolve));
      stop();
      expect(warnings.map((w) => (w as Error & { code: string }).code)).toContain("MULTIPROC_ABANDONED_LOCK");
      lock.release();
      expect(lock.locked()).toBe(false);
    });

    it("is detected when the owner died with the worker that started it", async () => {
      const lock = new RLock();
      const flag = new Int32Array(new SharedArrayBuffer(4));
      const { stop } = captureWarnings();
      await scenario("holdInGrandchild", { lock, flag }).catch(() => {});
      expect(lock.locked()).toBe(true);
      expect(lock.acquireSync({ timeout: 20_000 })).toBe(true);
      stop();
      lock.release();
    });
  });

  it("is shareable: a Lock inside Condition args arrives as the same lock", () => {
    const lock = new Lock();
    expect(lock[SHAREABLE]().kind).toBe(1);
  });
});

describe("RLock", () => {
  it("nests on the owning thread and is free after as many releases", () => {
    const rlock = new RLock();
    expect(rlock.acquireSync()).toBe(true);
    expect(rlock.tryAcquire()).toBe(true);
    rlock.release();
    expect(rlock.locked()).toBe(true);
    rlock.release();
    expect(rlock.locked()).toBe(false);
    expect(() => rlock.release()).toThrow(new ValueError("Cannot release an RLock that this thread does not hold"));
  });

  it("belongs to its thread: another thread cannot take or release it", async () => {
    const rlock = new RLock();
    await rlock.acquire();
    await expect(scenario("tryAcquire", { lock: rlock })).resolves.toBe(false);
    await expect(scenario("release", { lock: rlock })).rejects.toThrow(ValueError);
    rlock.release();
    await expect(scenario("tryAcquire", { lock: rlock })).resolves.toBe(true);
  });

  it("withLock nests", async () => {
    const rlock = new RLock();
    await expect(rlock.withLock(() => rlock.withLock(async () => "deep"))).resolves.toBe("deep");
    expect(rlock.withLockSync(() => rlock.withLockSync(() => 1))).toBe(1);
    expect(rlock.locked()).toBe(false);
  });

  it("2 workers x 500k nested increments give exactly 1M", async () => {
    expect(await contend(new RLock(), 500_000, ["sync", "sync"], true)).toBe(1_000_000);
  });
});

describe("Condition", () => {
  it("requires the lock for wait and notify (ValueError)", async () => {
    const cond = new Condition();
    await expect(cond.wait()).rejects.toThrow(new ValueError("Cannot wait on a Condition without holding its lock"));
    expect(() => cond.waitSync()).toThrow(ValueError);
    expect(() => cond.notify()).toThrow(new ValueError("Cannot notify a Condition without holding its lock"));
    expect(() => cond.notifyAll()).toThrow(ValueError);
    cond.acquireSync();
    expect(() => cond.notify(-1)).toThrow(ValueError);
    expect(() => cond.notify(1.5)).toThrow(ValueError);
    cond.release();
    expect(() => new Condition({} as never)).toThrow("Expected `lock` to be a Lock or an RLock, got an object (Object)");
  });

  it("wait() resolves false after the timeout and holds the lock again", async () => {
    const cond = new Condition(new Lock());
    await cond.acquire();
    await expect(cond.wait({ timeout: 30 })).resolves.toBe(false);
    expect(cond.tryAcquire()).toBe(false);
    expect(cond.waitSync({ timeout: 30 })).toBe(false);
    cond.release();
  });

  it("restores an RLock's depth after waiting", () => {
    const rlock = new RLock();
    const cond = new Condition(rlock);
    cond.acquireSync();
    cond.acquireSync();
    cond.waitSync({ timeout: 10 });
    cond.release();
    expect(rlock.locked()).toBe(true);
    cond.release();
    expect(rlock.locked()).toBe(false);
  });

  it("on abort, rejects with the reason and holds the lock again", async () => {
    const cond = new Condition();
    await cond.acquire();
    const controller = new AbortController();
    const waiting = cond.wait({ signal: controller.signal });
    setImmediate(() => controller.abort(new Error("stop waiting")));
    await expect(waiting).rejects.toThrow("stop waiting");
    cond.release();
  });

  it("notifyAll() wakes every waiter in other threads", async () => {
    const cond = new Condition();
    const woken = new Int32Array(new SharedArrayBuffer(4));
    const ready = new Int32Array(new SharedArrayBuffer(4));
    const waiters = [1, 2, 3].map(() => scenario("waitNotified", { cond, woken, ready }));
    while (Atomics.load(ready, 0) < 3) await Atomics.waitAsync(ready, 0, Atomics.load(ready, 0), 1000).value;
    // Each waiter counted itself ready while holding the lock, so taking it here means all three sleep in wait().
    await cond.withLock(() => cond.notifyAll());
    await expect(Promise.all(waiters)).resolves.toEqual([true, true, true]);
    expect(woken[0]).toBe(3);
  });

  it("notify(n) wakes n waiters at a time", async () => {
    const cond = new Condition();
    const woken = new Int32Array(new SharedArrayBuffer(4));
    const ready = new Int32Array(new SharedArrayBuffer(4));
    const waiters = [1, 2, 3].map(() => scenario("waitNotified", { cond, woken, ready }));
    while (Atomics.load(ready, 0) < 3) await Atomics.waitAsync(ready, 0, Atomics.load(ready, 0), 1000).value;
    await cond.withLock(() => cond.notify(2));
    while (Atomics.load(woken, 0) < 2) await Atomics.waitAsync(woken, 0, Atomics.load(woken, 0), 1000).value;
    expect(Atomics.load(woken, 0)).toBe(2);
    await cond.withLock(() => cond.notify(1));
    await Promise.all(waiters);
    expect(woken[0]).toBe(3);
  });

  it("producer/consumer across threads loses no wake-up", async () => {
    const cond = new Condition();
    const box = new Int32Array(new SharedArrayBuffer(4));
    const count = 2000;
    const producer = scenario("produce", { cond, box, count });
    let sum = 0;
    for (let i = 1; i <= count; i++) {
      await cond.acquire();
      const value = await cond.waitFor(() => box[0], { timeout: 20_000 });
      expect(value).toBe(i);
      sum += value!;
      box[0] = 0;
      cond.notifyAll();
      cond.release();
    }
    await producer;
    expect(sum).toBe((count * (count + 1)) / 2);
  });

  it("waitFor() returns the predicate's value, or its falsy value after the timeout", async () => {
    const cond = new Condition();
    await cond.acquire();
    await expect(cond.waitFor(() => "ready")).resolves.toBe("ready");
    await expect(cond.waitFor(() => 0, { timeout: 30 })).resolves.toBe(0);
    expect(cond.waitForSync(() => null, { timeout: 30 })).toBeNull();
    await expect(cond.waitFor("x" as never)).rejects.toThrow(TypeError);
    cond.release();
  });
});

describe("descriptions", () => {
  it("name the owner as Python's reprs do: None, this process, or the holder's process name", async () => {
    for (const lock of [new Lock(), new RLock()]) {
      const kind = lock instanceof RLock ? "RLock" : "Lock";
      const show = (owner: string, count: number) => (kind === "Lock" ? `<Lock(owner=${owner})>` : `<RLock(${owner}, ${count})>`);
      expect(String(lock)).toBe(show("None", 0));
      lock.acquireSync();
      expect(inspect(lock)).toBe(show("MainProcess", 1));
      lock.release();
      const flag = new Int32Array(new SharedArrayBuffer(4));
      const go = new Int32Array(new SharedArrayBuffer(4));
      const holding = scenario("holdUntil", { lock, flag, go });
      while (Atomics.load(flag, 0) === 0) await Atomics.waitAsync(flag, 0, 0, 1000).value;
      expect(String(lock)).toBe(show("fixture", 2));
      Atomics.store(go, 0, 1);
      Atomics.notify(go, 0);
      await holding;
      expect(String(lock)).toBe(show("None", 0));
    }
  });

  it("a Condition shows its lock and how many wait", async () => {
    const cond = new Condition(new Lock());
    expect(String(cond)).toBe("<Condition(<Lock(owner=None)>, 0)>");
    const woken = new Int32Array(new SharedArrayBuffer(4));
    const ready = new Int32Array(new SharedArrayBuffer(4));
    const waiting = scenario("waitNotified", { cond, woken, ready });
    while (Atomics.load(ready, 0) === 0) await Atomics.waitAsync(ready, 0, 0, 1000).value;
    await cond.acquire(); // the waiter released it inside wait()
    expect(inspect(cond)).toBe("<Condition(<Lock(owner=MainProcess)>, 1)>");
    cond.notify();
    cond.release();
    expect(await waiting).toBe(true);
  });
});

