import { describe, expect, it } from "vitest";
import { TimeoutError, ValueError } from "@multiproc/core/internal";
import { asCompleted, BrokenPoolError, CancelledError, Future, ThreadPoolExecutor, wait } from "@multiproc/pool";
import { ref } from "./__fixtures__/cells.js";

/** A promise with its resolve and reject outside: the test decides when a call ends. */
function gate<T = void>() {
  let open!: (value: T) => void;
  let fail!: (error: unknown) => void;
  const promise = new Promise<T>((resolve, reject) => {
    open = resolve;
    fail = reject;
  });
  return { promise, open, fail };
}

/** Resolves once `check()` holds, looking after each turn of the event loop. */
async function until(check: () => boolean): Promise<void> {
  while (!check()) await new Promise((resolve) => setImmediate(resolve));
}

describe("ThreadPoolExecutor", () => {
  it("runs sync and async functions, closures and task references; results arrive as they are (no copy)", async () => {
    await using ex = new ThreadPoolExecutor({ maxWorkers: 2 });
    const shared = { hits: 0 };
    const sync = ex.submit((o: typeof shared) => {
      o.hits++;
      return o;
    }, shared);
    const later = ex.submit(async (n: number) => {
      await new Promise((resolve) => setImmediate(resolve));
      return n * 2;
    }, 21);
    const byRef = ex.submit(ref("add"), 2, 3);
    expect(sync).toBeInstanceOf(Future);
    expect(await sync).toBe(shared);
    expect([shared.hits, await later, await byRef]).toEqual([1, 42, 5]);
    expect(ex.maxWorkers).toBe(2);
    expect(new ThreadPoolExecutor().maxWorkers).toBeGreaterThanOrEqual(5); // min(32, cpus + 4), as Python
  });

  it("runs at most maxWorkers calls at once, starting them in submission order", async () => {
    await using ex = new ThreadPoolExecutor({ maxWorkers: 3 });
    const started: number[] = [];
    const gates = Array.from({ length: 10 }, () => gate());
    let running = 0;
    let most = 0;
    const futures = gates.map((g, i) =>
      ex.submit(async () => {
        started.push(i);
        most = Math.max(most, ++running);
        await g.promise;
        running--;
        return i;
      }),
    );
    await until(() => started.length === 3);
    expect(futures.map((f) => f.running())).toEqual([true, true, true, false, false, false, false, false, false, false]);
    for (const i of [1, 0, 2, 5, 3, 4, 7, 6, 8, 9]) {
      gates[i]!.open();
      await futures[i];
    }
    expect(started).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(most).toBe(3);
    expect(await Promise.all(futures)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it("a call's error is the future's exception, the same object, thrown or rejected", async () => {
    await using ex = new ThreadPoolExecutor({ maxWorkers: 1 });
    class Custom extends Error {}
    const thrown = new Custom("sync");
    const rejected = new RangeError("async");
    const a = ex.submit(() => {
      throw thrown;
    });
    const b = ex.submit(async () => {
      throw rejected;
    });
    const c = ex.submit(ref("fail"), "by reference");
    expect(await a.exception()).toBe(thrown);
    await expect(b.result()).rejects.toBe(rejected);
    await expect(c.result()).rejects.toThrow(RangeError);
    expect(await ex.submit(() => "after").result()).toBe("after"); // the slot carried on
  });

  it("cancel() works until a call starts; a call never starts before submit() returns", async () => {
    await using ex = new ThreadPoolExecutor({ maxWorkers: 1 });
    let ran = false;
    const first = ex.submit(() => (ran = true));
    expect(first.cancel()).toBe(true); // the slot is free, but the call starts only after this turn
    const g = gate<string>();
    const busy = ex.submit(() => g.promise);
    const waiting = ex.submit(() => "never");
    await until(() => busy.running());
    expect([busy.cancel(), waiting.cancel(), waiting.cancelled()]).toEqual([false, true, true]);
    await expect(waiting.result()).rejects.toThrow(CancelledError);
    await expect(busy.result(30)).rejects.toThrow(TimeoutError);
    g.open("done");
    expect([await busy, ran, first.cancelled()]).toEqual(["done", false, true]);
  });

  it("shutdown(): submit throws after it; wait, cancelFutures, and await using", async () => {
    const ex = new ThreadPoolExecutor({ maxWorkers: 1 });
    const g = gate();
    const busy = ex.submit(async () => {
      await g.promise;
      return "busy";
    });
    const queued = ex.submit(() => "queued");
    const dropped = ex.submit(() => "dropped");
    await until(() => busy.running());
    dropped.cancel();
    const done = ex.shutdown(); // wait: true
    expect(() => ex.submit(() => 1)).toThrow(ValueError);
    expect(() => ex.map((x: number) => x, [1])).toThrow(ValueError);
    let finished = false;
    void done.then(() => (finished = true));
    await new Promise((resolve) => setImmediate(resolve));
    expect(finished).toBe(false);
    g.open();
    await done;
    expect([await busy, await queued, dropped.cancelled()]).toEqual(["busy", "queued", true]);

    const ex2 = new ThreadPoolExecutor({ maxWorkers: 1 });
    const g2 = gate();
    const running = ex2.submit(() => g2.promise.then(() => "ran"));
    const pending = [ex2.submit(() => 1), ex2.submit(() => 2)];
    await until(() => running.running());
    await ex2.shutdown({ wait: false, cancelFutures: true }); // returns while `running` runs
    expect(pending.map((f) => f.cancelled())).toEqual([true, true]);
    expect(running.done()).toBe(false);
    g2.open();
    expect(await running).toBe("ran");

    let seen = "";
    {
      await using ex3 = new ThreadPoolExecutor({ maxWorkers: 2 });
      ex3.submit(async () => {
        await new Promise((resolve) => setImmediate(resolve));
        seen = "done before the block ends";
      });
    }
    expect(seen).toBe("done before the block ends");
  });

  it("map: order over several iterables, async iterables, timeout, early exit cancels the rest", async () => {
    await using ex = new ThreadPoolExecutor({ maxWorkers: 4 });
    const out: unknown[] = [];
    for await (const s of ex.map((a: number, b: number) => a + b, [1, 2, 3, 4], [10, 20, 30])) out.push(s);
    expect(out).toEqual([11, 22, 33]);
    async function* numbers() {
      for (let i = 0; i < 20; i++) yield i;
    }
    const squares: unknown[] = [];
    for await (const s of ex.map(async (n: number) => n * n, numbers(), { chunksize: 5 })) squares.push(s);
    expect(squares).toEqual(Array.from({ length: 20 }, (_, i) => i * i));
    const g = gate();
    const slow = ex.map(() => g.promise, [1], { timeout: 30 });
    await expect(slow.next()).rejects.toThrow(TimeoutError);
    g.open();
    let calls = 0;
    const one = gate();
    const many = ex.map(
      async (i: number) => {
        calls++;
        if (i > 0) await one.promise;
        return i;
      },
      Array.from({ length: 50 }, (_, i) => i),
    );
    expect((await many.next()).value).toBe(0);
    await until(() => calls === 5); // 0 to 3 started (maxWorkers), then 4 in the slot 0 left; 1 to 4 wait
    await many.return(undefined); // leaving early: the calls not started are cancelled
    one.open();
    await new Promise((resolve) => setImmediate(resolve));
    expect(calls).toBe(5);
    expect(() => ex.map((x: number) => x, [1], { chunksize: 0 })).toThrow(ValueError);
    expect(() => ex.map((x: number) => x)).toThrow(TypeError);
  });

  it("wait() and asCompleted() take its futures", async () => {
    await using ex = new ThreadPoolExecutor({ maxWorkers: 2 });
    const g = gate();
    const blocked: Future<unknown> = ex.submit(() => g.promise);
    const quick: Future<unknown> = ex.submit(() => "quick");
    const { done, notDone } = await wait([blocked, quick], { returnWhen: "FIRST_COMPLETED" });
    expect([[...done], [...notDone]]).toEqual([[quick], [blocked]]);
    const order: Future[] = [];
    const iteration = (async () => {
      for await (const f of asCompleted([blocked, quick])) order.push(f as unknown as Future); // TypeScript types for-await values as awaited
    })();
    g.open();
    await iteration;
    expect(order).toEqual([quick, blocked]);
  });

  it("runs the initializer once per slot; one that throws breaks the executor", async () => {
    let inits = 0;
    const ex = new ThreadPoolExecutor({ maxWorkers: 2, initializer: async (n: number) => void (inits += n), initargs: [1] });
    const results = await Promise.all(Array.from({ length: 10 }, (_, i) => ex.submit(async () => i)));
    expect(results).toHaveLength(10);
    expect(inits).toBe(2);
    await ex.shutdown();

    const failing = new Error("no database");
    const broken = new ThreadPoolExecutor({
      maxWorkers: 1,
      initializer: () => {
        throw failing;
      },
    });
    const futures = [broken.submit(() => 1), broken.submit(() => 2)];
    for (const f of futures) {
      const error = await f.exception();
      expect(error).toBeInstanceOf(BrokenPoolError);
      expect((error as Error).cause).toBe(failing);
    }
    expect(() => broken.submit(() => 3)).toThrow(BrokenPoolError);
    await broken.shutdown();
  });

  it("rejects bad options and arguments with clear errors", async () => {
    expect(() => new ThreadPoolExecutor({ maxWorkers: 0 })).toThrow(ValueError);
    expect(() => new ThreadPoolExecutor({ maxWorkers: 1.5 })).toThrow("Expected `maxWorkers` to be a positive integer, got 1.5");
    expect(() => new ThreadPoolExecutor({ maxWorkers: "2" as never })).toThrow(TypeError);
    expect(() => new ThreadPoolExecutor({ threadNamePrefix: "x" } as never)).toThrow(TypeError);
    expect(() => new ThreadPoolExecutor({ initializer: 42 as never })).toThrow("Expected `initializer` to be a function or task(url, exportName), got 42");
    expect(() => new ThreadPoolExecutor({ initargs: 1 as never })).toThrow(TypeError);
    await using ex = new ThreadPoolExecutor({ maxWorkers: 1 });
    expect(() => (ex.submit as (fn: unknown) => unknown)("nope")).toThrow(TypeError);
    await expect(ex.shutdown({ now: true } as never)).rejects.toThrow(TypeError);
  });
});
