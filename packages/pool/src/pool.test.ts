import { getEventListeners } from "node:events";
import { describe, expect, it, vi } from "vitest";
import { task, TimeoutError, ValueError } from "@multiproc/core/internal";
import { AsyncResult, BrokenPoolError, CancelledError, Pool, ProcessPoolExecutor, WorkerDiedError } from "@multiproc/pool";
import { entered, newCell, ref, release } from "./__fixtures__/cells.js";
import { SharedArray } from "@multiproc/shared-value";
import { collectGarbage, Counter, nextAll } from "@multiproc/test-utils";

const BROKEN = new URL("./__fixtures__/broken-module.mjs", import.meta.url);

describe("Pool", () => {
  it("apply runs functions by value and by reference, sync and async, with shareables in args", async () => {
    await using pool = new Pool({ processes: 2 });
    expect(pool.processes).toBe(2);
    expect(await pool.apply((a: number, b: number) => a * b, [6, 7])).toBe(42);
    expect(await pool.apply(ref("add"), [1, 2])).toBe(3);
    expect(await pool.apply(ref("slowDouble"), [21])).toBe(42);
    const counter = new Counter();
    expect(await pool.apply(ref("bump"), [{ deep: [counter] }.deep[0], 5])).toBe(5);
    await Promise.all([pool.apply(ref("bump"), [counter, 1000]), pool.apply(ref("bump"), [counter, 1000])]);
    expect(counter.value).toBe(2005);
  });

  it("applyAsync gives an AsyncResult with callbacks, ready/successful, get and wait with timeouts", async () => {
    await using pool = new Pool({ processes: 1 });
    const seen: unknown[] = [];
    const ok = pool.applyAsync(ref("square"), [9], { callback: (v) => seen.push(v) });
    expect(ok).toBeInstanceOf(AsyncResult);
    expect(await ok.get()).toBe(81);
    expect([ok.ready(), ok.successful(), seen]).toEqual([true, true, [81]]);
    const bad = pool.applyAsync(ref("fail"), ["nope"], { errorCallback: (e) => seen.push((e as Error).message) });
    await bad.wait();
    expect([bad.ready(), bad.successful(), seen[1]]).toEqual([true, false, "nope"]);
    await expect(bad.get()).rejects.toThrow(RangeError);

    const cell = newCell();
    const slow = pool.applyAsync(ref("blockUntil"), [cell]);
    expect(slow.ready()).toBe(false);
    expect(() => slow.successful()).toThrow(ValueError);
    await expect(slow.get(30)).rejects.toThrow(TimeoutError);
    await slow.wait(30); // resolves without the result
    release(cell);
    expect(await slow.get()).toBe("released");
  });

  it("a task's error arrives with its class, message, worker stack, cause and properties", async () => {
    await using pool = new Pool({ processes: 1 });
    const error = (await pool.apply(ref("fail"), ["bad input"]).catch((e: unknown) => e)) as RangeError & { detail: unknown };
    expect(error).toBeInstanceOf(RangeError);
    expect(error.message).toBe("bad input");
    expect(error.stack).toMatch(/tasks\.mjs/);
    expect((error.cause as Error).message).toBe("the cause");
    expect(error.detail).toEqual({ n: 42 });
    // A by-value function that uses a name the worker lacks says so.
    const outer = 3;
    await expect(pool.apply((x: number) => x * outer, [1])).rejects.toThrow(/uses `outer`, which does not exist in the worker/);
  });

  it("an error named like an Object.prototype member (toString, constructor) arrives as an Error; the pool goes on", async () => {
    await using pool = new Pool({ processes: 1 });
    for (const name of ["toString", "constructor", "__proto__"]) {
      const error = (await pool.apply(ref("throwNamed"), [name]).catch((e: unknown) => e)) as Error;
      expect(error, name).toBeInstanceOf(Error);
      expect(error.name).toBe(name);
      expect(error.message).toBe(`named ${name}`);
    }
    expect(await pool.apply(ref("square"), [7])).toBe(49);
  });

  it("map keeps input order for every chunksize, and refuses bad ones", async () => {
    await using pool = new Pool({ processes: 2 });
    const input = Array.from({ length: 1000 }, (_, i) => i);
    const squares = input.map((n) => n * n);
    expect(await pool.map(ref("square"), input)).toEqual(squares);
    for (const chunksize of [1, 7, 999, 1000, 5000]) expect(await pool.map(ref("square"), input, { chunksize })).toEqual(squares);
    expect(await pool.map(ref("square"), [])).toEqual([]);
    expect(await pool.map(ref("square"), new Set([2, 3]))).toEqual([4, 9]);
    expect(() => pool.map(ref("square"), input, { chunksize: 0 })).toThrow(ValueError);
    expect(() => pool.map(ref("square"), input, { chunksize: 1.5 })).toThrow(ValueError);
    expect(() => pool.map(ref("square"), input, { chunksize: "2" as never })).toThrow(TypeError);
    expect(() => pool.map(ref("square"), [1, () => 2] as never)).toThrow(/Cannot send iterable\[1\]/);
    expect(pool.queued + pool.running).toBe(0); // the refused map queued nothing
  });

  it("map fails with the first error; starmap spreads args; mapAsync calls back; progress reaches the total", async () => {
    await using pool = new Pool({ processes: 2 });
    await expect(pool.map((n: number) => { if (n === 50) throw new Error("at 50"); return n; }, Array.from({ length: 100 }, (_, i) => i), { chunksize: 10 })).rejects.toThrow("at 50");
    expect(await pool.starmap(ref("add"), [[1, 2], [3, 4], [5, 6]])).toEqual([3, 7, 11]);
    expect(await pool.starmapAsync(ref("add"), [[1, 1]]).get()).toEqual([2]);
    const progress: [number, number | undefined][] = [];
    const got = await new Promise<number[]>((resolve) => {
      pool.mapAsync(ref("square"), [1, 2, 3, 4], { chunksize: 1, callback: (values) => resolve(values as number[]), onProgress: (done, total) => progress.push([done, total]) });
    });
    expect(got).toEqual([1, 4, 9, 16]);
    expect(progress.at(-1)).toEqual([4, 4]);
    expect(progress.map(([done]) => done)).toEqual([1, 2, 3, 4]);
  });

  it("imap is lazy and ordered (an endless input, stopped early); imapUnordered yields every result; async inputs work", async () => {
    await using pool = new Pool({ processes: 2 });
    let read = 0;
    function* naturals() {
      for (let n = 0; ; n++) {
        read++;
        yield n;
      }
    }
    const firsts: number[] = [];
    for await (const square of pool.imap(ref("square"), naturals(), { chunksize: 3 })) {
      firsts.push(square as number);
      if (firsts.length === 10) break;
    }
    expect(firsts).toEqual([0, 1, 4, 9, 16, 25, 36, 49, 64, 81]);
    expect(read).toBeLessThan(40); // a bounded window ahead, not the whole input
    async function* slowly() {
      for (let n = 0; n < 50; n++) yield n;
    }
    const unordered: number[] = [];
    for await (const v of pool.imapUnordered(ref("slowDouble"), slowly(), { chunksize: 4 })) unordered.push(v as number);
    expect(unordered.sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => 2 * i));
    expect(await pool.map(ref("square"), slowly())).toHaveLength(50);
    expect(() => pool.imap(ref("square"), 42 as never)).toThrow(TypeError);
  });

  it("a worker dying in a task (process.exit, an uncaught error, out of memory) fails that task only and is replaced", async () => {
    await using pool = new Pool({ processes: 2, resourceLimits: { maxOldGenerationSizeMb: 24 } });
    const exited = (await pool.apply(ref("exit"), [3]).catch((e: unknown) => e)) as WorkerDiedError;
    expect(exited).toBeInstanceOf(WorkerDiedError);
    expect([exited.how, exited.exitCode]).toEqual(["exit", 3]);
    expect(exited.message).toMatch(/process\.exit\(3\)/);
    const uncaught = (await pool.apply(ref("throwOutside")).catch((e: unknown) => e)) as WorkerDiedError;
    expect([uncaught.how, uncaught.message]).toEqual(["uncaught", "The worker running this task died: an error was thrown outside the task: thrown from a timer"]);
    const oom = (await pool.apply(ref("hog")).catch((e: unknown) => e)) as WorkerDiedError;
    expect(oom.how).toBe("out-of-memory");
    // The others were unaffected and the pool carries on.
    const results = await Promise.all([pool.apply(ref("square"), [3]), pool.map(ref("square"), [1, 2, 3])]);
    expect(results).toEqual([9, [1, 4, 9]]);
  });

  it("tasks queued behind a dying task on its worker run elsewhere, exactly once", async () => {
    await using pool = new Pool({ processes: 1 });
    const dying = pool.apply(ref("exit"), [1]).catch((e: unknown) => e);
    const after = Array.from({ length: 5 }, (_, i) => pool.apply(ref("square"), [i]));
    expect(await dying).toBeInstanceOf(WorkerDiedError);
    expect(await Promise.all(after)).toEqual([0, 1, 4, 9, 16]);
  });

  it("a task module that throws on import fails its tasks clearly, every time, without respawning workers", async () => {
    await using pool = new Pool({ processes: 1 });
    for (let i = 0; i < 3; i++) await expect(pool.apply(task(BROKEN, "never"))).rejects.toThrow("this module is broken");
    expect(await pool.apply(ref("threadId"))).toBe(await pool.apply(ref("threadId"))); // same worker all along
  });

  it("an AbortSignal drops a queued task and stops a running one (its worker is replaced)", async () => {
    await using pool = new Pool({ processes: 1 });
    const cell = newCell();
    const blocking = pool.apply(ref("blockUntil"), [cell]);
    await entered(cell, 1);
    const queuedAbort = new AbortController();
    const queued = pool.apply(ref("square"), [2], { signal: queuedAbort.signal });
    queuedAbort.abort(new Error("not needed"));
    await expect(queued).rejects.toThrow("not needed");
    release(cell);
    expect(await blocking).toBe("released");

    const before = await pool.apply(ref("threadId"));
    const stuck = newCell();
    const runningAbort = new AbortController();
    const running = pool.apply(ref("blockUntil"), [stuck], { signal: runningAbort.signal });
    await entered(stuck, 1);
    runningAbort.abort(new Error("too slow"));
    await expect(running).rejects.toThrow("too slow");
    expect(await pool.apply(ref("threadId"))).not.toBe(before);
    await expect(pool.apply(ref("square"), [1], { signal: AbortSignal.abort(new Error("early")) })).rejects.toThrow("early");
  });

  it("a map call adds one abort listener to the caller's signal, whatever its size, and removes it when it settles", async () => {
    await using pool = new Pool({ processes: 2 });
    const warnings: string[] = [];
    const onWarning = (warning: Error) => warnings.push(warning.message);
    process.on("warning", onWarning);
    try {
      const controller = new AbortController();
      const { signal } = controller;
      const mapping = pool.map(ref("square"), Array.from({ length: 2_000 }, (_, i) => i), { chunksize: 1, signal });
      expect(getEventListeners(signal, "abort")).toHaveLength(1);
      expect((await mapping)[1_999]).toBe(1_999 * 1_999);
      expect(getEventListeners(signal, "abort")).toHaveLength(0);

      const seen: unknown[] = [];
      for await (const value of pool.imap(ref("square"), [1, 2, 3, 4, 5, 6, 7, 8], { signal })) {
        seen.push(value);
        expect(getEventListeners(signal, "abort")).toHaveLength(1);
      }
      expect([seen.length, getEventListeners(signal, "abort").length]).toEqual([8, 0]);

      // An abort still stops every task of the call, queued or running.
      const cell = newCell();
      const blocked = pool.map(ref("blockUntil"), [cell, cell, cell, cell], { chunksize: 1, signal });
      await entered(cell, 2);
      controller.abort(new Error("enough"));
      await expect(blocked).rejects.toThrow("enough");
      expect(getEventListeners(signal, "abort")).toHaveLength(0);
      expect(await pool.map(ref("square"), [3], { signal: new AbortController().signal })).toEqual([9]);
      await expect(pool.map(ref("square"), [1, 2], { signal: AbortSignal.abort(new Error("early")) })).rejects.toThrow("early");
      expect(() => pool.map(ref("square"), [1], { signal: "stop" as never })).toThrow(/Expected `signal` to be an AbortSignal, got/);
    } finally {
      process.off("warning", onWarning);
    }
    expect(warnings.filter((w) => /memory leak|listeners/i.test(w))).toEqual([]);
  });

  it("runs TypeScript task modules with a preload that registers a loader (Pool and executor alike)", async () => {
    const scale = task<(n: number, o: { factor: number }) => number>(new URL("./__fixtures__/typed-tasks.ts", import.meta.url), "scale");
    const preload = [new URL("./__fixtures__/register-tsx.mjs", import.meta.url)];
    await using pool = new Pool({ processes: 1, preload });
    expect(await pool.apply(scale, [3, { factor: 2 }])).toBe(6);
    const executor = new ProcessPoolExecutor({ maxWorkers: 1, preload });
    expect(await executor.submit(scale, 5, { factor: 3 }).result()).toBe(15);
    await executor.shutdown();
    expect(() => new Pool({ processes: 1, preload: "tsx" as never })).toThrow("Expected `preload` to be an array of module URLs or specifiers, got \"tsx\"");
    expect(() => new Pool({ processes: 1, preload: [3] as never })).toThrow("Expected `preload[0]` to be a URL or a module specifier, got 3");
  });

  it("refuses unknown option names, naming the closest known one, instead of ignoring them", async () => {
    expect(() => new Pool({ procesess: 2 } as never)).toThrow("Unknown option `procesess` in Pool options. Did you mean `processes`? The options are: processes, initializer, initargs, maxtasksperchild, resourceLimits, preload.");
    expect(() => new ProcessPoolExecutor({ max_workers: 2 } as never)).toThrow(/Unknown option `max_workers` in executor options\. Did you mean `maxWorkers`\?/);
    await using pool = new Pool({ processes: 1 });
    expect(() => pool.apply(ref("square"), [2], { timeout: 5 } as never)).toThrow(/Unknown option `timeout` in apply options\. The options are: callback, errorCallback, signal\./);
    expect(() => pool.map(ref("square"), [2], { chunkSize: 5 } as never)).toThrow(/Did you mean `chunksize`\?/);
    expect(() => pool.imap(ref("square"), [2], { chunk: 5 } as never)).toThrow(TypeError);
    const executor = new ProcessPoolExecutor({ maxWorkers: 1 });
    expect(() => executor.map(ref("square"), [1], { chunksize: 1, timout: 5 } as never)).toThrow(/Did you mean `timeout`\?/);
    await expect(executor.shutdown({ cancel_futures: true } as never)).rejects.toThrow(/Did you mean `cancelFutures`\?/);
    await executor.shutdown();
  });

  it("initializer runs in every worker before its tasks; one that throws breaks the pool without respawning", async () => {
    await using pool = new Pool({ processes: 2, initializer: ref("init"), initargs: ["ready"] });
    expect(await pool.map(ref("initValue"), [0, 0, 0, 0], { chunksize: 1 })).toEqual(["ready", "ready", "ready", "ready"]);
    await using failing = new Pool({ processes: 2, initializer: ref("initFails") });
    const error = (await failing.apply(ref("square"), [2]).catch((e: unknown) => e)) as BrokenPoolError;
    expect(error).toBeInstanceOf(BrokenPoolError);
    expect(error.message).toMatch(/initializer failed: no database/);
    expect(() => failing.apply(ref("square"), [2])).toThrow(BrokenPoolError);
  });

  it("maxtasksperchild replaces a worker after that many tasks", async () => {
    await using pool = new Pool({ processes: 1, maxtasksperchild: 2 });
    const ids = await pool.map(ref("threadId"), [0, 0, 0, 0, 0, 0], { chunksize: 1 });
    expect(new Set(ids).size).toBe(3);
  });

  it("close/join finish the work; terminate fails what is outstanding; misuse is a ValueError", async () => {
    const pool = new Pool({ processes: 2 });
    const work = pool.map(ref("slowDouble"), [1, 2, 3, 4]);
    await expect(pool.join()).rejects.toThrow(ValueError);
    pool.close();
    expect(() => pool.apply(ref("square"), [1])).toThrow(ValueError);
    await pool.join();
    expect(await work).toEqual([2, 4, 6, 8]);

    const doomed = new Pool({ processes: 1 });
    const cell = newCell();
    const running = doomed.apply(ref("blockUntil"), [cell]).catch((e: unknown) => e);
    const queued = doomed.apply(ref("square"), [2]).catch((e: unknown) => e);
    await entered(cell, 1);
    expect([doomed.running, doomed.queued]).toEqual([1, 1]); // the second waits in the worker's queue: not started
    await doomed.terminate();
    expect(await running).toBeInstanceOf(CancelledError);
    expect(await queued).toBeInstanceOf(CancelledError);
    await doomed.join();
    expect(() => doomed.apply(ref("square"), [1])).toThrow(/terminated/);
  });

  it("an idle worker keeps running what a task left behind (its event loop is not blocked between tasks)", async () => {
    await using pool = new Pool({ processes: 1 });
    const cell = newCell();
    expect(await pool.apply(ref("leaveTimer"), [cell])).toBe("returned");
    await entered(cell, 3); // no task is submitted meanwhile: the worker waits for one
    expect(await pool.apply(ref("square"), [3])).toBe(9);
  });

  for (const [name, start, call] of [
    ["Pool.apply", () => new Pool({ processes: 2 }), (p: Pool | ProcessPoolExecutor, fn: unknown, args: unknown[]) => (p as Pool).apply(fn as ReturnType<typeof ref>, args)],
    ["executor.submit", () => new ProcessPoolExecutor({ maxWorkers: 2 }), (p: Pool | ProcessPoolExecutor, fn: unknown, args: unknown[]) => (p as ProcessPoolExecutor).submit(fn as ReturnType<typeof ref>, ...args).result()],
  ] as const) {
    it(`${name}: tasks start in submission order, and none waits behind a long task while a worker is free`, async () => {
      await using pool = start();
      const cell = newCell();
      const blocked = call(pool, ref("blockUntil"), [cell]);
      await entered(cell, 1);
      // Not a synchronisation: the pool queues nothing behind a task out for over 1 ms, so let it be out that long.
      await new Promise((resolve) => setTimeout(resolve, 20));
      const n = 12;
      const order = new SharedArray("i", 1 + n);
      const workers = await Promise.all(Array.from({ length: n }, (_, i) => call(pool, ref("recordStart"), [order, i])));
      expect(order.slice(1)).toEqual(Array.from({ length: n }, (_, i) => i)); // started exactly in submission order
      expect(new Set(workers).size).toBe(1); // all on the free worker: none was queued behind the blocked one
      release(cell);
      expect(await blocked).toBe("released");
    });
  }

  it("big buffers travel both ways intact, and a typed array in a result is the receiver's own", async () => {
    await using pool = new Pool({ processes: 2 });
    const bytes = new Uint8Array(4 << 20).map((_, i) => i % 251);
    const results = await Promise.all([0, 1, 2].map(() => pool.apply(ref("reverseAndSum"), [bytes]) as Promise<{ reversed: Uint8Array; sum: Float64Array }>));
    const expectedSum = bytes.reduce((a, b) => a + b, 0);
    for (const { reversed, sum } of results) {
      expect([reversed.length, reversed[0], reversed[reversed.length - 1], sum[0]]).toEqual([bytes.length, bytes[bytes.length - 1], bytes[0], expectedSum]);
      expect(reversed.buffer).not.toBeInstanceOf(SharedArrayBuffer);
    }
    expect(bytes[0]).toBe(0); // the caller's copy is untouched
  });

  it("values of every size come back whole, as the caller's own: bytes, strings, number arrays, errors", async () => {
    // Results are written into the results queue and read where they lie, and a
    // worker reads a task of a function it knows in place too: small items sit in
    // the queue's segments, large ones (over 16 KiB) in blocks of their own.
    await using pool = new Pool({ processes: 1 });
    for (const size of [0, 100, 20_000, 1 << 20]) {
      const bytes = Uint8Array.from({ length: size }, (_, i) => (i * 7) % 256);
      const text = "é€😀".repeat(Math.ceil(size / 9));
      const numbers = Array.from({ length: Math.ceil(size / 8) }, (_, i) => i / 2);
      for (const value of [bytes, text, numbers, { nested: [bytes, text] }]) {
        const back = await pool.apply(ref("identity"), [value]);
        expect(back).toEqual(value);
      }
      const back = (await pool.apply(ref("identity"), [bytes])) as Uint8Array;
      expect([back.constructor, back.byteOffset, back.buffer.byteLength, back.buffer instanceof SharedArrayBuffer]).toEqual([Uint8Array, 0, size, false]);
      const error = (await pool.apply(ref("fail"), [text]).catch((e: unknown) => e)) as RangeError;
      expect([error instanceof RangeError, error.message]).toEqual([true, text]);
    }
  });

  it("refuses bad arguments with clear errors", () => {
    expect(() => new Pool({ processes: 0 })).toThrow(ValueError);
    expect(() => new Pool({ processes: "2" as never })).toThrow(TypeError);
    expect(() => new Pool({ maxtasksperchild: -1 })).toThrow(ValueError);
    expect(() => new Pool({ initializer: 5 as never })).toThrow(TypeError);
    const pool = new Pool({ processes: 1 });
    expect(() => pool.apply(42 as never)).toThrow(/Expected `fn` to be a function or task/);
    expect(() => pool.apply(ref("square"), 5 as never)).toThrow(/Expected `args` to be an array/);
    expect(() => pool.apply(ref("square"), [Symbol("s")])).toThrow(/Cannot send args\[0\]/);
    void pool.terminate();
  });

  it("a result that cannot be sent back fails the task with a TypeError", async () => {
    await using pool = new Pool({ processes: 1 });
    await expect(pool.apply(ref("returnsFunction"))).rejects.toThrow(/result cannot be sent back/);
  });

  it("imap yields the results before an input error, then the error (Python's order)", async () => {
    await using pool = new Pool({ processes: 2 });
    function* failingAfter(n: number) {
      for (let i = 0; i < n; i++) yield i;
      throw new Error(`input broke after ${n}`);
    }
    const collect = async (iterable: AsyncIterable<unknown>) => {
      const got: unknown[] = [];
      const error = await (async () => {
        for await (const value of iterable) got.push(value);
      })().catch((e: unknown) => e);
      return { got, error: (error as Error | undefined)?.message };
    };
    expect(await collect(pool.imap(ref("square"), failingAfter(3)))).toEqual({ got: [0, 1, 4], error: "input broke after 3" });
    // chunksize 2: the partial chunk [6] is dropped with the error, as in Python.
    expect(await collect(pool.imap(ref("square"), failingAfter(7), { chunksize: 2 }))).toEqual({ got: [0, 1, 4, 9, 16, 25], error: "input broke after 7" });
    const unordered = await collect(pool.imapUnordered(ref("square"), failingAfter(4)));
    expect([unordered.got.sort(), unordered.error]).toEqual([[0, 1, 4, 9], "input broke after 4"]);
    // An unsendable item: the results before it, then its TypeError.
    expect(await collect(pool.imap(ref("square"), [1, 2, () => 3] as never))).toEqual({ got: [1, 4], error: expect.stringMatching(/Cannot send items\[0\]: it is a function/) });
  });

  it("imap goes on after a task's error, as Python's IMapIterator: the error rejects that next() only", async () => {
    await using pool = new Pool({ processes: 2 });
    const six = [0, 1, 2, 3, 4, 5];
    expect(await nextAll(pool.imap(ref("tenfoldBut3"), six))).toEqual([0, 10, 20, "ERR bad 3", 40, 50]);
    const unordered = await nextAll(pool.imapUnordered(ref("tenfoldBut3"), six));
    expect(unordered.sort()).toEqual([0, 10, 20, 40, 50, "ERR bad 3"].sort());
    // A failed chunk is one error in its place (its other items have no results), then the next chunks.
    expect(await nextAll(pool.imap(ref("tenfoldBut3"), six, { chunksize: 2 }))).toEqual([0, 10, "ERR bad 3", 40, 50]);
    // A for-await loop ends at the error, as for any iterator; the pool goes on.
    const before: unknown[] = [];
    await expect(
      (async () => {
        for await (const value of pool.imap(ref("tenfoldBut3"), six)) before.push(value);
      })(),
    ).rejects.toThrow("bad 3");
    expect(before).toEqual([0, 10, 20]);
    expect(await pool.map(ref("square"), [1, 2, 3])).toEqual([1, 4, 9]);
    // return() after an error still stops it: the input is closed and nothing more is read.
    let closed = false;
    let reads = 0;
    function* counting() {
      try {
        for (let i = 0; ; i++) {
          reads++;
          yield i;
        }
      } finally {
        closed = true;
      }
    }
    const endless = pool.imap(ref("tenfoldBut3"), counting());
    for (const value of [0, 10, 20]) expect(await endless.next()).toEqual({ done: false, value });
    await expect(endless.next()).rejects.toThrow("bad 3");
    expect(await endless.next()).toEqual({ done: false, value: 40 });
    expect(await endless.return()).toEqual({ done: true, value: undefined });
    expect(closed).toBe(true);
    const readAtReturn = reads;
    expect(await endless.next()).toEqual({ done: true, value: undefined });
    expect(reads).toBe(readAtReturn);
    // A for-await loop that the error ended calls no return(): the iterator stops once collected.
    let inputClosed!: () => void;
    const closedWhenCollected = new Promise<void>((resolve) => (inputClosed = resolve));
    function* endlessInput() {
      try {
        for (let i = 0; ; i++) yield i;
      } finally {
        inputClosed();
      }
    }
    await expect(
      (async () => {
        for await (const _ of pool.imap(ref("tenfoldBut3"), endlessInput()));
      })(),
    ).rejects.toThrow("bad 3");
    await collectGarbage();
    await closedWhenCollected;
  });

  it("an imap made before close() runs to its end, as Python's: read before or after join()", async () => {
    // Python's `it = pool.imap(f, xs); pool.close(); for r in it: ...; pool.join()`
    const pool = new Pool({ processes: 2 });
    const results = pool.imap(ref("tenfoldBut3"), [0, 1, 2, 4, 5, 6, 7, 8, 9, 10], { chunksize: 2 });
    const unordered = pool.imapUnordered(ref("square"), Array.from({ length: 30 }, (_, i) => i));
    pool.close();
    expect(() => pool.imap(ref("square"), [1])).toThrow(/The Pool is closed: it takes no new tasks/);
    const got: unknown[] = [];
    for await (const value of results) got.push(value);
    expect(got).toEqual([0, 10, 20, 40, 50, 60, 70, 80, 90, 100]);
    // `pool.close(); pool.join()`, then the results: join() read the rest of the input, and ran it.
    await pool.join();
    const squares: number[] = [];
    for await (const value of unordered) squares.push(value as number);
    expect(squares.sort((a, b) => a - b)).toEqual(Array.from({ length: 30 }, (_, i) => i * i));

    // An imap never read, then close() and join(): its tasks run, and join() returns.
    const second = new Pool({ processes: 1 });
    let reads = 0;
    function* counted(n: number) {
      for (let i = 0; i < n; i++) {
        reads++;
        yield i;
      }
    }
    const unread = second.imap(ref("square"), counted(50));
    second.close();
    await second.join();
    expect(reads).toBe(50);
    expect((await nextAll(unread)).length).toBe(50);

    // A reader that stops early after close(): nothing more is read, and join() returns.
    const third = new Pool({ processes: 1 });
    let read = 0;
    function* endless() {
      for (let i = 0; ; i++) {
        read++;
        yield i;
      }
    }
    const first = third.imap(ref("square"), endless());
    third.close();
    for await (const value of first) if (value === 16) break;
    const readAtBreak = read;
    await third.join();
    expect(read).toBe(readAtBreak);
  });

  it("a callback or errorCallback that throws is logged to stderr; the AsyncResult keeps the task's outcome", async () => {
    await using pool = new Pool({ processes: 1 });
    let text = "";
    const spy = vi.spyOn(process.stderr, "write").mockImplementation((chunk: string | Uint8Array) => ((text += String(chunk)), true));
    try {
      const ok = pool.applyAsync(ref("square"), [5], {
        callback: () => {
          throw new Error("callback broke");
        },
      });
      expect(await ok.get()).toBe(25);
      expect(ok.successful()).toBe(true);
      const bad = pool.applyAsync(ref("fail"), ["task broke"], {
        errorCallback: () => {
          throw new Error("errorCallback broke");
        },
      });
      await expect(bad.get()).rejects.toThrow("task broke");
    } finally {
      spy.mockRestore();
    }
    expect(text).toMatch(/exception calling callback for <AsyncResult at 0x[0-9a-f]+ ready successful>\n.*Error: callback broke/s);
    expect(text).toMatch(/exception calling callback for <AsyncResult at 0x[0-9a-f]+ ready failed>\n.*Error: errorCallback broke/s);
  });

  it("AsyncResult.get and wait take a number or options; a negative timeout means 0; a signal aborts", async () => {
    await using pool = new Pool({ processes: 1 });
    const cell = newCell();
    const slow = pool.applyAsync(ref("blockUntil"), [cell]);
    await expect(slow.get(-1)).rejects.toThrow(TimeoutError);
    await expect(slow.get({ timeout: 10 })).rejects.toThrow(TimeoutError);
    await slow.wait(-1);
    await expect(slow.get({ signal: AbortSignal.abort(new Error("stop")) })).rejects.toThrow("stop");
    expect(String(slow)).toMatch(/^<AsyncResult at 0x[0-9a-f]+ pending>$/);
    release(cell);
    expect(await slow.get({ timeout: 20_000 })).toBe("released");
  });
});

