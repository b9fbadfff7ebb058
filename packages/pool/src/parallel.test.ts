import { afterEach, describe, expect, it, vi } from "vitest";
import { TimeoutError, ValueError } from "@multiproc/core/internal";
import { CancelledError, delayed, Parallel, parallel } from "@multiproc/pool";
import { AutoBatchSize, skipProgressLine } from "./auto-batch.js";
import { entered, newCell, ref, release } from "./__fixtures__/cells.js";

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

afterEach(() => {
  vi.restoreAllMocks();
});

describe("Parallel and delayed", () => {
  it("runs delayed calls on worker threads, results in input order, every call once", async () => {
    const squares = await new Parallel({ nJobs: 2 })(range(5000).map((i) => delayed(ref("square"))(i)));
    expect(squares).toEqual(range(5000).map((i) => i * i));
    // Self-contained functions and several functions in one input (batches split where the function changes).
    const mixed = await new Parallel({ nJobs: 2 })([delayed(ref("add"))(1, 2), delayed((s: string) => s.toUpperCase())("a"), delayed(ref("add"))(3, 4)]);
    expect(mixed).toEqual([3, "A", 7]);
    expect(await new Parallel({ nJobs: 2 })([])).toEqual([]);
  });

  it("returnAs generator yields in order as results come; generatorUnordered as they finish", async () => {
    const inOrder = new Parallel({ nJobs: 2, returnAs: "generator" });
    const seen: number[] = [];
    for await (const r of inOrder(range(300).map((i) => delayed(ref("square"))(i)))) seen.push(r as number);
    expect(seen).toEqual(range(300).map((i) => i * i));
    async function* calls() {
      for (let i = 0; i < 300; i++) yield delayed(ref("add"))(i, 1);
    }
    const unordered: number[] = [];
    for await (const r of new Parallel({ nJobs: 2, returnAs: "generatorUnordered" })(calls())) unordered.push(r as number);
    expect(unordered.sort((a, b) => a - b)).toEqual(range(300).map((i) => i + 1));
  });

  it("parallel() takes any iterable, sync or async; auto batches of a known-length input stay within Pool.map's chunk size", async () => {
    async function* numbers() {
      for (let i = 0; i < 500; i++) yield i;
    }
    expect(await parallel(ref("square"), numbers(), { nJobs: 2 })).toEqual(range(500).map((i) => i * i));
    const unordered: number[] = [];
    for await (const r of parallel(ref("square"), new Set(range(200)), { nJobs: 2, returnAs: "generatorUnordered" })) unordered.push(r as number);
    expect(unordered.sort((a, b) => a - b)).toEqual(range(200).map((i) => i * i));
    const steps: number[] = [];
    let last = 0;
    for (let call = 0; call < 3; call++) {
      last = 0;
      await parallel(ref("square"), range(4000), { nJobs: 2, onProgress: (done) => (steps.push(done - last), (last = done)) });
    }
    expect(Math.max(...steps)).toBeLessThanOrEqual(500); // 4000 / (4 chunks x 2 workers)
    expect(steps.reduce((a, b) => a + b)).toBe(12_000);
  });

  it("the first call that throws fails the call with its error: class, message, properties, worker stack", async () => {
    const calls = [...range(50).map((i) => delayed(ref("square"))(i)), delayed(ref("fail"))("bad input"), ...range(50).map((i) => delayed(ref("square"))(i))];
    const error = await new Parallel({ nJobs: 2 })(calls).then(
      () => undefined,
      (e: unknown) => e as RangeError & { detail: unknown },
    );
    expect(error).toBeInstanceOf(RangeError);
    expect(error!.message).toBe("bad input");
    expect(error!.detail).toEqual({ n: 42 });
    expect(error!.stack).toContain("fail");
    // The generator yields the results before it, then throws it.
    const generator = new Parallel({ nJobs: 2, returnAs: "generator", batchSize: 1 })(calls);
    const before: unknown[] = [];
    await expect(
      (async () => {
        for await (const r of generator) before.push(r);
      })(),
    ).rejects.toThrow(RangeError);
    expect(before.length).toBeLessThanOrEqual(50); // nothing of what follows the failing call
    expect(before).toEqual(range(before.length).map((i) => i * i));
    // The workers carry on.
    expect(await parallel(ref("square"), [3], { nJobs: 2 })).toEqual([9]);
  });

  it("a batch over the timeout fails the call with TimeoutError and is stopped", async () => {
    const cell = newCell();
    const call = new Parallel({ nJobs: 2, timeout: 100 })([delayed(ref("blockUntil"))(cell)]);
    await entered(cell, 1);
    await expect(call).rejects.toThrow(TimeoutError);
    await expect(call).rejects.toThrow("A call of the Parallel call ran over the timeout of 100 ms");
    release(cell);
    expect(await parallel(ref("square"), range(10), { nJobs: 2 })).toEqual(range(10).map((i) => i * i));
  });

  it("the thread backend runs closures on this thread, at most nJobs at once; nJobs 1 runs them in turn", async () => {
    let running = 0;
    let most = 0;
    const seen = new Set<number>();
    const work = async (i: number) => {
      most = Math.max(most, ++running);
      await new Promise((resolve) => setImmediate(resolve));
      running--;
      seen.add(i);
      return i * 2;
    };
    expect(await parallel(work, range(40), { nJobs: 3, backend: "thread" })).toEqual(range(40).map((i) => i * 2));
    expect([most, seen.size]).toEqual([3, 40]);
    most = 0;
    const order: number[] = [];
    const sequential = await new Parallel({ nJobs: 1 })(range(5).map((i) => delayed(async (n: number) => (order.push(n), work(n)))(i)));
    expect([sequential, order, most]).toEqual([[0, 2, 4, 6, 8], range(5), 1]);
  });

  it("fixed batchSize, onProgress with the total once the input is read, verbose lines on stderr", async () => {
    const progress: [number, number | undefined][] = [];
    const result = await parallel(ref("square"), range(100), { nJobs: 2, batchSize: 10, onProgress: (done, total) => progress.push([done, total]) });
    expect(result).toHaveLength(100);
    expect(progress).toHaveLength(10);
    expect(progress.map(([done]) => done)).toEqual(range(10).map((i) => 10 * (i + 1)));
    expect(progress.at(-1)).toEqual([100, 100]);
    const lines: string[] = [];
    vi.spyOn(process.stderr, "write").mockImplementation((chunk) => (lines.push(String(chunk)), true));
    await parallel(ref("square"), range(30), { nJobs: 2, batchSize: 5, verbose: 11 });
    vi.restoreAllMocks();
    expect(lines[0]).toBe("[Parallel(nJobs=2)]: Using backend process with 2 concurrent workers.\n");
    expect(lines.at(-1)).toMatch(/^\[Parallel\(nJobs=2\)\]: Done  30 out of  30 \| elapsed: +\d+\.\ds finished\n$/);
    expect(lines.length).toBeGreaterThan(3);
  });

  it("close() (await using) stops a generator not read to its end; later calls throw ValueError", async () => {
    const cell = newCell();
    let generator!: AsyncGenerator<unknown>;
    {
      await using p = new Parallel({ nJobs: 2, returnAs: "generator", batchSize: 1 });
      expect(p).toBeInstanceOf(Parallel);
      expect([p.nJobs, p.backend]).toEqual([2, "process"]);
      generator = p([delayed(ref("square"))(2), delayed(ref("blockUntil"))(cell)]);
      expect(await generator.next()).toEqual({ done: false, value: 4 });
      await entered(cell, 1);
    }
    await expect(generator.next()).rejects.toThrow(CancelledError);
    release(cell);
    const closed = new Parallel({ nJobs: 2 });
    await closed.close();
    await expect(closed([delayed(ref("square"))(2)])).rejects.toThrow(ValueError);
    expect(await parallel(ref("square"), [5], { nJobs: 2 })).toEqual([25]);
  });

  it("rejects bad options, inputs and functions with clear errors", async () => {
    expect(() => new Parallel({ nJobs: 0 })).toThrow(ValueError);
    expect(() => new Parallel({ nJobs: -1000 })).toThrow("leaves no worker");
    expect(() => new Parallel({ nJobs: "2" as never })).toThrow(TypeError);
    expect(() => new Parallel({ backend: "loky" as never })).toThrow('Expected `backend` to be "process" or "thread"');
    expect(() => new Parallel({ batchSize: 0 })).toThrow(ValueError);
    expect(() => new Parallel({ returnAs: "array" as never })).toThrow(ValueError);
    expect(() => new Parallel({ timeout: -1 })).toThrow(ValueError);
    expect(() => new Parallel({ onProgress: 1 as never })).toThrow(TypeError);
    expect(() => new Parallel({ n_jobs: 2 } as never)).toThrow(TypeError);
    expect(() => delayed(42 as never)).toThrow("Expected `fn` to be a function or task(url, exportName), got 42");
    const p = new Parallel({ nJobs: 2 });
    await expect(p([delayed(ref("square"))(1), 42 as never])).rejects.toThrow("Expected calls[1] to be delayed(fn)(...args), got 42");
    await expect(p([ref("square") as never])).rejects.toThrow(TypeError);
    await expect(p(7 as never)).rejects.toThrow(TypeError);
    await expect(p([delayed(ref("square"))(() => 1)])).rejects.toThrow(TypeError); // unsendable argument
    expect(() => new Parallel({ nJobs: 2, returnAs: "generator" })(7 as never)).toThrow(TypeError);
    expect(new Parallel().nJobs).toBeGreaterThanOrEqual(1); // default: every core
  });
});

describe("AutoBatchSize", () => {
  it("grows at most twofold while batches are short, and shrinks when they are long", () => {
    const sizer = new AutoBatchSize();
    const sizes: number[] = [];
    for (let i = 0; i < 12; i++) {
      const size = sizer.next();
      sizes.push(size);
      sizer.completed(size, size * 0.001); // 1 µs a call
    }
    expect(sizes).toEqual([1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048]);
    sizer.completed(2048, 5000); // far too long: smoothed with the 2 ms before, 1001.6 ms
    expect(sizer.next()).toBe(80); // twice the size that would take 20 ms
  });

  it("prints progress lines ever more rarely", () => {
    expect(range(500).filter((i) => !skipProgressLine(i, 1))).toEqual([0, 49, 199, 449]);
    expect(range(20).every((i) => !skipProgressLine(i, 11))).toBe(true);
  });
});
