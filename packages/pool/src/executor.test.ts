import { describe, expect, it, vi } from "vitest";
import { TimeoutError, ValueError } from "@multiproc/core/internal";
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

  it("map submits every call at once, so iterating works after shutdown({ wait: false }), and the timeout counts from the call", async () => {
    const ex = new ProcessPoolExecutor({ maxWorkers: 2 });
    const cell = newCell();
    const blocked = ex.map(ref("blockUntil"), [cell, cell]);
    await entered(cell, 2); // both calls started without a next()
    const squares = ex.map(ref("square"), [1, 2, 3], { chunksize: 2 });
    await ex.shutdown({ wait: false });
    release(cell);
    const got: unknown[] = [];
    for await (const value of squares) got.push(value);
    expect(got).toEqual([1, 4, 9]);
    for await (const value of blocked) expect(value).toBe("released");

    await using again = new ProcessPoolExecutor({ maxWorkers: 1 });
    const slowCell = newCell();
    const slow = again.map(ref("blockUntil"), [slowCell], { timeout: 300 });
    await new Promise((resolve) => setTimeout(resolve, 400)); // the timeout passes before the first next()
    const started = performance.now();
    await expect(slow.next()).rejects.toThrow(TimeoutError);
    expect(performance.now() - started).toBeLessThan(250); // at once: not another 300 ms from next()
    release(slowCell);
  });

  it("map throws at the call for an unsendable item or an input that throws, and submits nothing", async () => {
    await using ex = new ProcessPoolExecutor({ maxWorkers: 1 });
    expect(() => ex.map(ref("square"), [1, () => 2] as never)).toThrow(/Cannot send items\[0\]\[0\]: it is a function/);
    function* failing() {
      yield 1;
      throw new Error("input broke");
    }
    expect(() => ex.map(ref("square"), failing())).toThrow("input broke");
    const got: unknown[] = [];
    for await (const value of ex.map(ref("square"), [4])) got.push(value);
    expect(got).toEqual([16]);
  });

  it("map reads an async iterable from the call on; its error comes after the results before it", async () => {
    await using ex = new ProcessPoolExecutor({ maxWorkers: 2 });
    async function* numbers() {
      yield 1;
      yield 2;
      throw new Error("async input broke");
    }
    const got: unknown[] = [];
    const error = await (async () => {
      for await (const value of ex.map(ref("square"), numbers())) got.push(value);
    })().catch((e: unknown) => e);
    expect(got).toEqual([1, 4]);
    expect((error as Error).message).toBe("async input broke");
  });

  it("gives each pending future its own BrokenPoolError, with the same message and cause", async () => {
    const ex = new ProcessPoolExecutor({ maxWorkers: 1 });
    const futures = [ex.submit(ref("exit"), 3), ex.submit(ref("square"), 2), ex.submit(ref("square"), 3)];
    const errors = (await Promise.all(futures.map((f) => f.exception()))) as BrokenPoolError[];
    for (const error of errors) expect(error).toBeInstanceOf(BrokenPoolError);
    expect(new Set(errors).size).toBe(3);
    expect(new Set(errors.map((e) => e.message)).size).toBe(1);
    expect(errors[1]!.cause).toBe(errors[0]!.cause);
    (errors[0] as unknown as { note: string }).note = "annotated";
    expect((errors[1] as unknown as { note?: string }).note).toBeUndefined();
    const thrown: unknown[] = [];
    for (let i = 0; i < 2; i++) {
      try {
        ex.submit(ref("square"), 1);
      } catch (error) {
        thrown.push(error);
      }
    }
    expect(thrown[0]).toBeInstanceOf(BrokenPoolError);
    expect(thrown[0]).not.toBe(thrown[1]);
    await ex.shutdown();
  });

  it("terminateWorkers() and killWorkers() stop the workers now: pending futures fail with BrokenPoolError, the executor is shut down", async () => {
    for (const stop of ["terminateWorkers", "killWorkers"] as const) {
      const ex = new ProcessPoolExecutor({ maxWorkers: 2 });
      const cell = newCell();
      const running = [ex.submit(ref("blockUntil"), cell), ex.submit(ref("blockUntil"), cell)];
      const queued = [ex.submit(ref("square"), 1), ex.submit(ref("square"), 2), ex.submit(ref("square"), 3)];
      await entered(cell, 2);
      await ex[stop]();
      for (const future of [...running, ...queued]) expect(await future.exception()).toBeInstanceOf(BrokenPoolError);
      expect(() => ex.submit(ref("square"), 1)).toThrow(ValueError);
      await ex.shutdown();
    }
  });

  it("done-callbacks that throw are logged to stderr and the next one still runs", async () => {
    await using ex = new ProcessPoolExecutor({ maxWorkers: 1 });
    const f = ex.submit(ref("square"), 3);
    const calls: number[] = [];
    f.addDoneCallback(() => {
      throw new Error("callback broke");
    });
    f.addDoneCallback((done) => void done.result().then((v) => calls.push(v as number)));
    let text = "";
    const spy = vi.spyOn(process.stderr, "write").mockImplementation((chunk: string | Uint8Array) => ((text += String(chunk)), true));
    try {
      expect(await f).toBe(9);
      await Promise.resolve();
    } finally {
      spy.mockRestore();
    }
    expect(calls).toEqual([9]);
    expect(text).toMatch(/exception calling callback for <Future at 0x[0-9a-f]+ state=finished returned number>\n.*Error: callback broke/s);
  });
});

