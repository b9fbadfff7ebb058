import { describe, expect, it } from "vitest";
import { TimeoutError, ValueError } from "@multiproc/core";
import { asCompleted, BrokenPoolError, CancelledError, Future, ProcessPoolExecutor, wait } from "@multiproc/pool";
import { entered, newCell, ref, release } from "./__fixtures__/cells.js";

describe("ProcessPoolExecutor and Future", () => {
  it("submit gives a Future: result, exception, done callbacks, and await", async () => {
    await using ex = new ProcessPoolExecutor({ maxWorkers: 2 });
    const f = ex.submit((a: number, b: number) => a + b, 2, 3);
    expect(f).toBeInstanceOf(Future);
    const calls: Future[] = [];
    f.addDoneCallback((done) => calls.push(done));
    expect(await f).toBe(5);
    expect([f.done(), f.running(), f.cancelled(), await f.exception()]).toEqual([true, false, false, undefined]);
    expect(calls).toEqual([f]);
    f.addDoneCallback((done) => calls.push(done)); // already done: called at once
    expect(calls).toHaveLength(2);
    const bad = ex.submit(ref("fail"), "broken");
    expect(await bad.exception()).toBeInstanceOf(RangeError);
    await expect(bad.result()).rejects.toThrow("broken");
  });

  it("cancel() works only before a task starts; result() and exception() time out and report cancellation", async () => {
    await using ex = new ProcessPoolExecutor({ maxWorkers: 1 });
    const cell = newCell();
    const busy = ex.submit(ref("blockUntil"), cell);
    const next = ex.submit(ref("square"), 3); // handed to the worker behind `busy`: running
    const waiting = ex.submit(ref("square"), 4);
    await entered(cell, 1);
    expect([busy.running(), waiting.running()]).toEqual([true, false]);
    await expect(busy.result(30)).rejects.toThrow(TimeoutError);
    expect(busy.cancel()).toBe(false);
    expect(waiting.cancel()).toBe(true);
    expect([waiting.cancelled(), waiting.done()]).toEqual([true, true]);
    await expect(waiting.result()).rejects.toThrow(CancelledError);
    await expect(waiting.exception()).rejects.toThrow(CancelledError);
    release(cell);
    expect([await busy, await next]).toEqual(["released", 9]);
  });

  it("map runs over several iterables in order, with chunksize and a timeout", async () => {
    await using ex = new ProcessPoolExecutor({ maxWorkers: 2 });
    const sums: number[] = [];
    for await (const s of ex.map(ref("add"), [1, 2, 3, 4], [10, 20, 30])) sums.push(s as number);
    expect(sums).toEqual([11, 22, 33]);
    const squares: unknown[] = [];
    for await (const s of ex.map(ref("square"), Array.from({ length: 100 }, (_, i) => i), { chunksize: 7 })) squares.push(s);
    expect(squares).toEqual(Array.from({ length: 100 }, (_, i) => i * i));
    const cell = newCell();
    const slow = ex.map(ref("blockUntil"), [cell], { timeout: 50 });
    await expect(slow.next()).rejects.toThrow(TimeoutError);
    release(cell);
    expect(() => ex.map(ref("square"), [1], { chunksize: 0 })).toThrow(ValueError);
  });

  it("wait() returns done/notDone by FIRST_COMPLETED, FIRST_EXCEPTION, ALL_COMPLETED and timeout; asCompleted yields as they finish", async () => {
    await using ex = new ProcessPoolExecutor({ maxWorkers: 2 });
    const cell = newCell();
    const blocked = ex.submit(ref("blockUntil"), cell);
    const quick = ex.submit(ref("square"), 5);
    const first = await wait([blocked, quick], { returnWhen: "FIRST_COMPLETED" });
    expect([first.done.has(quick), first.notDone.has(blocked)]).toEqual([true, true]);
    const failing = ex.submit(ref("fail"), "x");
    const exception = await wait([blocked, failing], { returnWhen: "FIRST_EXCEPTION" });
    expect([exception.done.has(failing), exception.notDone.has(blocked)]).toEqual([true, true]);
    const timedOut = await wait([blocked], { timeout: 30 });
    expect(timedOut.notDone.has(blocked)).toBe(true);
    await expect(asCompleted([blocked], { timeout: 30 }).next()).rejects.toThrow(TimeoutError);
    const order: Future[] = [];
    const iterating = (async () => {
      for await (const f of asCompleted([blocked, quick])) order.push(f as unknown as Future); // TypeScript types for-await values as awaited
    })();
    release(cell);
    await iterating;
    expect(order).toEqual([quick, blocked]);
    const all = await wait([blocked, quick, failing]);
    expect(all.done.size).toBe(3);
    await expect(wait([1] as never)).rejects.toThrow(TypeError);
    await expect(wait([quick], { returnWhen: "SOMETIMES" as never })).rejects.toThrow(ValueError);
  });

  it("a worker dying abruptly breaks the executor: pending futures and later submits get BrokenPoolError", async () => {
    const ex = new ProcessPoolExecutor({ maxWorkers: 1 });
    const dying = ex.submit(ref("exit"), 7);
    const pending = ex.submit(ref("square"), 2);
    const error = await dying.exception();
    expect(error).toBeInstanceOf(BrokenPoolError);
    expect((error as Error).message).toMatch(/died abruptly: .*process\.exit\(7\)/);
    expect(await pending.exception()).toBeInstanceOf(BrokenPoolError);
    expect(() => ex.submit(ref("square"), 1)).toThrow(BrokenPoolError);
    await ex.shutdown();
  });

  it("shutdown waits for the work, cancels what has not started with cancelFutures, and refuses later submits", async () => {
    const ex = new ProcessPoolExecutor({ maxWorkers: 1 });
    const cell = newCell();
    const running = ex.submit(ref("blockUntil"), cell);
    const behind = ex.submit(ref("square"), 1);
    const queued = [ex.submit(ref("square"), 2), ex.submit(ref("square"), 3)];
    await entered(cell, 1);
    const stopping = ex.shutdown({ cancelFutures: true });
    expect(queued.map((f) => f.cancelled())).toEqual([true, true]);
    expect(() => ex.submit(ref("square"), 4)).toThrow(ValueError);
    release(cell);
    await stopping;
    expect([await running, await behind]).toEqual(["released", 1]);
    expect(() => new ProcessPoolExecutor({ maxWorkers: 0 })).toThrow(ValueError);
  });
});
