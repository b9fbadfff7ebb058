import { inspect } from "node:util";
import { describe, expect, it } from "vitest";
import { deserializeError, ValueError } from "@multiproc/core/internal";
import { BoundedSemaphore, Semaphore } from "@multiproc/semaphore";
import { runFixture } from "@multiproc/test-utils";

const WORKER = new URL("./__fixtures__/worker.mjs", import.meta.url);

async function inWorker(name: string, args: Record<string, unknown>): Promise<unknown> {
  const reply = await runFixture(WORKER, { name, args });
  if (reply.error) throw deserializeError(reply.error);
  return reply.ok;
}

describe("Semaphore", () => {
  it("counts: acquire takes one, release(n) gives n back", async () => {
    const sem = new Semaphore(2);
    expect(sem.getValue()).toBe(2);
    await expect(sem.acquire()).resolves.toBe(true);
    expect(sem.acquireSync()).toBe(true);
    expect(sem.tryAcquire()).toBe(false);
    expect(sem.getValue()).toBe(0);
    sem.release(2);
    expect(sem.getValue()).toBe(2);
    sem.release(); // a plain Semaphore may go above its initial value
    expect(sem.getValue()).toBe(3);
    expect(new Semaphore().getValue()).toBe(1);
  });

  it("waits while the count is 0: false after the timeout, abort rejects", async () => {
    const sem = new Semaphore(0);
    await expect(sem.acquire({ timeout: 30 })).resolves.toBe(false);
    expect(sem.acquireSync({ timeout: 30 })).toBe(false);
    expect(sem.acquireSync(-1)).toBe(false);
    await expect(sem.acquire(10)).resolves.toBe(false);
    const controller = new AbortController();
    const waiting = sem.acquire({ signal: controller.signal });
    setImmediate(() => controller.abort(new Error("no more")));
    await expect(waiting).rejects.toThrow("no more");
    expect(sem.getValue()).toBe(0);
  });

  it("wakes a waiter when another thread releases", async () => {
    const sem = new Semaphore(0);
    const waiting = sem.acquire({ timeout: 20_000 });
    await inWorker("release", { sem, n: 1 });
    await expect(waiting).resolves.toBe(true);
    expect(sem.getValue()).toBe(0);
  });

  it("rejects bad values with ValueError or TypeError and changes nothing", () => {
    expect(() => new Semaphore(-1)).toThrow(new ValueError("Expected `value` to be an integer from 0 to 2147483647, got -1"));
    expect(() => new Semaphore(1.5)).toThrow(ValueError);
    expect(() => new Semaphore("2" as never)).toThrow(TypeError);
    const sem = new Semaphore(1);
    expect(() => sem.release(0)).toThrow(ValueError);
    expect(() => sem.release(-2)).toThrow(ValueError);
    expect(() => sem.release(Number.NaN)).toThrow(ValueError);
    expect(() => new Semaphore(2 ** 31 - 1).release()).toThrow(/would exceed/);
    expect(sem.getValue()).toBe(1);
  });

  it("withLock holds one unit while the function runs", async () => {
    const sem = new Semaphore(1);
    await expect(sem.withLock(() => sem.getValue())).resolves.toBe(0);
    expect(sem.withLockSync(() => sem.getValue())).toBe(0);
    await expect(sem.withLock(() => Promise.reject(new Error("x")))).rejects.toThrow("x");
    expect(sem.getValue()).toBe(1);
  });

  it("never lets more than its count in at once, across 3 threads, sync and async (exact entries)", async () => {
    const sem = new Semaphore(2);
    const stats = new Int32Array(new SharedArrayBuffer(12));
    const start = new Int32Array(new SharedArrayBuffer(8));
    start[1] = 3;
    const rounds = 20_000;
    await Promise.all(
      ["sync", "async", "sync"].map((mode) => inWorker("crowd", { sem, stats, rounds, start, mode })),
    );
    expect(stats[2]).toBe(3 * rounds);
    expect(stats[1]).toBeLessThanOrEqual(2);
    expect(stats[1]).toBeGreaterThanOrEqual(1);
    expect(sem.getValue()).toBe(2);
  });
});

describe("BoundedSemaphore", () => {
  it("throws ValueError on a release above the initial value, and changes nothing", async () => {
    const sem = new BoundedSemaphore(2);
    expect(() => sem.release()).toThrow(
      new ValueError("Cannot release 1: the BoundedSemaphore would hold 3, above its initial value 2"),
    );
    sem.acquireSync();
    expect(() => sem.release(2)).toThrow(ValueError);
    sem.release();
    expect(sem.getValue()).toBe(2);
  });

  it("keeps its bound in other threads", async () => {
    const sem = new BoundedSemaphore(1);
    await expect(inWorker("release", { sem, n: 1 })).rejects.toThrow(ValueError);
    expect(sem).toBeInstanceOf(Semaphore);
    sem.acquireSync();
    await inWorker("release", { sem, n: 1 });
    expect(await inWorker("value", { sem })).toBe(1);
  });
});

describe("descriptions", () => {
  it("read as Python's reprs", () => {
    const sem = new Semaphore(2);
    sem.acquireSync();
    expect(String(sem)).toBe("<Semaphore(value=1)>");
    const bounded = new BoundedSemaphore(3);
    bounded.acquireSync();
    expect(inspect(bounded)).toBe("<BoundedSemaphore(value=2, maxvalue=3)>");
  });
});

