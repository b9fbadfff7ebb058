import { describe, expect, it } from "vitest";
import { compileSource, deserializeError, task, toTaskSpec, type TaskSpec } from "@multiproc/core/internal";
import { runFixture } from "@multiproc/test-utils";

const RUN = new URL("../__fixtures__/run-task.mjs", import.meta.url);
const JOBS = new URL("../__fixtures__/jobs.mjs", import.meta.url);

async function runInWorker(spec: TaskSpec, args: unknown[] = []): Promise<unknown> {
  const reply = await runFixture(RUN, { spec, args });
  if (reply.error) throw deserializeError(reply.error);
  return reply.value;
}

describe("task()", () => {
  it("accepts URLs and absolute paths, and refuses relative ones", () => {
    expect(task(JOBS, "square")).toEqual({ kind: "multiproc.task", url: JOBS.href, exportName: "square" });
    expect(task("/tmp/jobs.mjs").url).toBe("file:///tmp/jobs.mjs");
    expect(task("/tmp/jobs.mjs").exportName).toBe("default");
    expect(() => task("./jobs.mjs")).toThrow(/new URL\("\.\/jobs\.js", import\.meta\.url\)/);
    expect(() => task(42 as never)).toThrow(/Expected `moduleUrl` to be a URL or a string, got 42/);
    expect(() => task(JOBS, "")).toThrow(/non-empty string/);
  });
});

describe("toTaskSpec()", () => {
  it("refuses what cannot run in a worker", () => {
    expect(() => toTaskSpec(42, "target")).toThrow("Expected `target` to be a function or task(url, exportName), got 42");
    expect(() => toTaskSpec(Math.max, "target")).toThrow(/native or bound function/);
    expect(() => toTaskSpec(((x: number) => x).bind(null), "target")).toThrow(/native or bound function/);
    expect(() => toTaskSpec(class Foo {}, "target")).toThrow(/it is a class/);
  });
});

describe("compileSource()", () => {
  it("compiles arrows, functions, async functions, generators and method shorthand", async () => {
    const methods = {
      double(x: number) {
        return 2 * x;
      },
      async later(x: number) {
        return x + 1;
      },
      *gen() {
        yield 1;
      },
    };
    expect(compileSource(((x: number) => x * 3).toString())(2)).toBe(6);
    expect(compileSource(function named(x: number) { return x - 1; }.toString())(2)).toBe(1);
    expect(compileSource(methods.double.toString())(4)).toBe(8);
    await expect(compileSource(methods.later.toString())(4)).resolves.toBe(5);
    expect([...(compileSource(methods.gen.toString())() as Iterable<number>)]).toEqual([1]);
  });

  it("tolerates esbuild's __name helper in the body", () => {
    const source = 'function f(x) { const g = __name((y) => y + 1, "g"); return g(x); }';
    expect(compileSource(source)(1)).toBe(2);
  });
});

describe("running tasks in a worker", () => {
  it("calls a module export by reference, sync or async", async () => {
    expect(await runInWorker(toTaskSpec(task(JOBS, "square"), "t"), [9])).toBe(81);
    expect(await runInWorker(toTaskSpec(task(JOBS, "slowDouble"), "t"), [4])).toBe(8);
  });

  it("calls a self-contained function by value", async () => {
    expect(await runInWorker(toTaskSpec(async (a: number, b: number) => a ** b, "t"), [2, 10])).toBe(1024);
  });

  it("explains a by-value function that uses a name the worker lacks", async () => {
    const outside = 5;
    const spec = toTaskSpec(function usesOutside() {
      return outside + 1;
    }, "t");
    const error = (await runInWorker(spec).catch((e: unknown) => e)) as ReferenceError;
    expect(error).toBeInstanceOf(ReferenceError);
    expect(error.message).toMatch(/"usesOutside" was sent by value and uses `outside`, which does not exist in the worker/);
    expect(error.message).toMatch(/task\(new URL/);
    expect((error.cause as Error).message).toBe("outside is not defined");
  });

  it("names a missing export and lists the function exports", async () => {
    await expect(runInWorker(toTaskSpec(task(JOBS, "cube"), "t"))).rejects.toThrow(
      /has no function export named "cube" \(its function exports: slowDouble, square\)/,
    );
    await expect(runInWorker(toTaskSpec(task(JOBS, "notAFunction"), "t"))).rejects.toThrow(/no function export named "notAFunction"/);
  });

  it("passes on the error of a module that throws on import", async () => {
    await expect(runInWorker(toTaskSpec(task(new URL("../__fixtures__/broken-module.mjs", import.meta.url), "x"), "t"))).rejects.toThrow(
      "broken on import",
    );
  });

  it("explains how to load a TypeScript module on a Node that cannot", async () => {
    const spec = toTaskSpec(task(new URL("../__fixtures__/typed.ts", import.meta.url), "triple"), "t");
    const major = Number(process.versions.node.split(".")[0]);
    if (major < 22) {
      await expect(runInWorker(spec, [2])).rejects.toThrow(/cannot import \.ts files in a worker by itself.*preload/);
    } else {
      // Node >= 22.18 strips the types itself.
      expect(await runInWorker(spec, [2])).toBe(6);
    }
  });
});
