import { execFile, spawn } from "node:child_process";
import { inspect, promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { RemoteError, ValueError, WAITABLE } from "@multiproc/core/internal";
import { activeChildren, cpuCount, currentProcess, parentProcess, Process, task } from "@multiproc/process";
import { Counter } from "@multiproc/test-utils";

const TARGETS = new URL("./__fixtures__/targets.mjs", import.meta.url);
const target = (name: string) => task(TARGETS, name);

function readReport(sab: SharedArrayBuffer): unknown {
  const length = Atomics.load(new Int32Array(sab), 0);
  return JSON.parse(new TextDecoder().decode(new Uint8Array(sab, 4, length).slice()));
}

async function run(p: Process): Promise<Process> {
  p.start();
  await p.join();
  return p;
}

describe("Process", () => {
  describe("start()", () => {
    it("runs a function sent by value with its args; exit code 0", async () => {
      const counter = new Counter();
      const p = await run(new Process({ target: (c: Counter, n: number) => void c.add(n), args: [counter, 5] }));
      expect(p.exitCode).toBe(0);
      expect(p.error).toBeUndefined();
      expect(counter.value).toBe(5);
    });

    it("runs a task reference, sync or async, with a shareable deep inside the args", async () => {
      const counter = new Counter();
      await run(new Process({ target: target("addTo"), args: [counter, 2] }));
      await run(new Process({ target: target("addLater"), args: [{ deep: [{ counter }] }, 40] }));
      expect(counter.value).toBe(42);
    });

    it("throws ValueError when called twice", async () => {
      const p = await run(new Process({ target: () => {} }));
      expect(() => p.start()).toThrow(ValueError);
      expect(() => p.start()).toThrow(/Cannot start Process-\d+ twice/);
    });

    it("throws a TypeError naming an unsendable argument, and starts nothing", () => {
      const p = new Process({ target: (x: unknown) => x, args: [{ callback: () => 1 }] });
      expect(() => p.start()).toThrow(/Cannot send args\[0\]\.callback: it is a function/);
      expect(p.pid).toBeUndefined();
      expect(p.isAlive()).toBe(false);
    });
  });

  describe("constructor", () => {
    it("checks its options", () => {
      expect(() => new Process(undefined as never)).toThrow(/Expected Process options to be an object/);
      expect(() => new Process({ target: 5 as never })).toThrow("Expected `target` to be a function or task(url, exportName), got 5");
      expect(() => new Process({ target: () => {}, args: 5 as never })).toThrow("Expected `args` to be an array, got 5");
      expect(() => new Process({ target: () => {}, name: 1 as never })).toThrow("Expected `name` to be a string, got 1");
    });

    it("names processes Process-N unless given a name", () => {
      const a = new Process({ target: () => {} });
      const b = new Process({ target: () => {}, name: "worker-b" });
      expect(a.name).toMatch(/^Process-\d+$/);
      expect(b.name).toBe("worker-b");
    });
  });

  describe("exitCode and error", () => {
    it("is 1 with the worker's error rebuilt: class, message, stack, cause, properties", async () => {
      const p = await run(new Process({ target: target("fail"), args: ["range"], printErrors: false }));
      expect(p.exitCode).toBe(1);
      const error = p.error as RangeError & { limit: number; cause: Error };
      expect(error).toBeInstanceOf(RangeError);
      expect(error.message).toBe("too far");
      expect(error.stack).toContain("targets.mjs");
      expect(error.limit).toBe(10);
      expect(error.cause).toBeInstanceOf(TypeError);
    });

    it("keeps the name of an unregistered error class as a RemoteError", async () => {
      const p = await run(new Process({ target: target("fail"), args: ["custom"], printErrors: false }));
      expect(p.error).toBeInstanceOf(RemoteError);
      expect(p.error?.name).toBe("NotRegisteredError");
      expect((p.error as unknown as { field: string }).field).toBe("x");
    });

    it("carries a thrown non-Error value", async () => {
      const p = await run(new Process({ target: target("fail"), args: ["string"], printErrors: false }));
      expect(p.exitCode).toBe(1);
      expect(p.error?.message).toBe("just a string");
    });

    it("reports an error thrown later, outside the target", async () => {
      const p = await run(new Process({ target: target("failLater"), printErrors: false }));
      expect(p.exitCode).toBe(1);
      expect(p.error?.message).toBe("thrown from a timer");
    });

    it("explains a by-value target that uses a name the worker lacks", async () => {
      const missing = 3;
      const p = await run(new Process({ target: () => missing * 2, printErrors: false }));
      expect(p.exitCode).toBe(1);
      expect(p.error).toBeInstanceOf(ReferenceError);
      expect(p.error?.message).toMatch(/uses `missing`, which does not exist in the worker.*task\(new URL/s);
    });

    it("is n after process.exit(n) in the target", async () => {
      const p = await run(new Process({ target: () => process.exit(7) }));
      expect(p.exitCode).toBe(7);
    });

    it("is null while running and before start", async () => {
      const cell = new Int32Array(new SharedArrayBuffer(4));
      const p = new Process({ target: target("block"), args: [cell] });
      expect(p.exitCode).toBeNull();
      p.start();
      expect(p.exitCode).toBeNull();
      expect(p.isAlive()).toBe(true);
      Atomics.store(cell, 0, 1);
      Atomics.notify(cell, 0);
      await p.join();
      expect(p.exitCode).toBe(0);
      expect(p.isAlive()).toBe(false);
    });

    it("reports a worker that ran out of memory", async () => {
      const p = await run(new Process({ target: target("eatMemory"), resourceLimits: { maxOldGenerationSizeMb: 24 }, printErrors: false }));
      expect(p.exitCode).toBe(1);
      expect((p.error as Error & { code: string }).code).toBe("ERR_WORKER_OUT_OF_MEMORY");
    });
  });

  describe("terminate() and kill()", () => {
    it("stop a busy worker with exit code -15, or -9", async () => {
      const busy = () => {
        for (;;);
      };
      const a = new Process({ target: busy });
      const b = new Process({ target: busy });
      a.start();
      b.start();
      await a.terminate();
      await b.kill();
      expect([a.exitCode, b.exitCode]).toEqual([-15, -9]);
      expect(a.isAlive() || b.isAlive()).toBe(false);
    });

    it("stop a worker blocked in Atomics.wait", async () => {
      const p = new Process({ target: target("block"), args: [new Int32Array(new SharedArrayBuffer(4))] });
      p.start();
      await p.terminate();
      expect(p.exitCode).toBe(-15);
    });

    it("keep the natural exit code of a process that already ended", async () => {
      const p = await run(new Process({ target: () => {} }));
      await p.terminate();
      expect(p.exitCode).toBe(0);
    });

    it("throw ValueError before start", async () => {
      await expect(new Process({ target: () => {} }).terminate()).rejects.toThrow(ValueError);
    });
  });

  describe("join() and joinSync()", () => {
    it("return after the timeout while the process still runs", async () => {
      const cell = new Int32Array(new SharedArrayBuffer(4));
      const p = new Process({ target: target("block"), args: [cell] });
      p.start();
      await p.join(30);
      expect(p.isAlive()).toBe(true);
      p.joinSync(30);
      expect(p.isAlive()).toBe(true);
      Atomics.store(cell, 0, 1);
      Atomics.notify(cell, 0);
      p.joinSync();
      expect(p.exitCode).toBe(0);
    });

    it("joinSync sees the end and the error without an event-loop turn", () => {
      const p = new Process({ target: target("fail"), args: ["range"], printErrors: false });
      p.start();
      p.joinSync(20_000);
      expect(p.exitCode).toBe(1);
      expect(p.error).toBeInstanceOf(RangeError);
    });

    it("joinSync returns after terminate() was asked for", () => {
      const p = new Process({ target: target("block"), args: [new Int32Array(new SharedArrayBuffer(4))] });
      p.start();
      void p.terminate();
      p.joinSync();
      expect(p.exitCode).toBe(-15);
    });

    it("throw ValueError before start, and check the timeout", async () => {
      const p = new Process({ target: () => {} });
      await expect(p.join()).rejects.toThrow(ValueError);
      expect(() => p.joinSync()).toThrow(ValueError);
      p.start();
      await expect(p.join(Number.NaN)).rejects.toThrow(ValueError);
      expect(() => p.joinSync("5" as never)).toThrow(TypeError);
      await p.join();
    });

    it("treat a negative timeout as 0 (return at once), as Python does", async () => {
      const cell = new Int32Array(new SharedArrayBuffer(4));
      const p = new Process({ target: target("block"), args: [cell] });
      p.start();
      const started = performance.now();
      await p.join(-1);
      p.joinSync(-1);
      await p.join({ timeout: -100 });
      expect(p.isAlive()).toBe(true);
      expect(performance.now() - started).toBeLessThan(5_000);
      Atomics.store(cell, 0, 1);
      Atomics.notify(cell, 0);
      await p.join({ timeout: 20_000 });
      expect(p.exitCode).toBe(0);
    });

    it("join takes an AbortSignal", async () => {
      const cell = new Int32Array(new SharedArrayBuffer(4));
      const p = new Process({ target: target("block"), args: [cell] });
      p.start();
      const controller = new AbortController();
      const joining = p.join({ signal: controller.signal });
      controller.abort(new Error("stop waiting"));
      await expect(joining).rejects.toThrow("stop waiting");
      expect(p.isAlive()).toBe(true);
      await p.terminate();
    });
  });

  describe("close()", () => {
    it("is a ValueError while the process runs; afterwards the object refuses use with ValueError", async () => {
      const cell = new Int32Array(new SharedArrayBuffer(4));
      const p = new Process({ target: target("block"), args: [cell] });
      p.start();
      expect(() => p.close()).toThrow(/still running/);
      Atomics.store(cell, 0, 1);
      Atomics.notify(cell, 0);
      await p.join();
      p.close();
      p.close(); // twice is fine
      expect(() => p.isAlive()).toThrow(ValueError);
      expect(() => p.exitCode).toThrow(/closed/);
      expect(() => p.sentinel).toThrow(ValueError);
      expect(() => p.start()).toThrow(ValueError);
      expect(() => p.joinSync()).toThrow(ValueError);
      await expect(p.join()).rejects.toThrow(ValueError);
      await expect(p.terminate()).rejects.toThrow(ValueError);
      await expect(p.kill()).rejects.toThrow(ValueError);
      expect(String(p)).toMatch(/ closed>$/);
      const never = new Process({ target: () => {} });
      never.close();
      expect(() => never.start()).toThrow(ValueError);
    });
  });

  describe("sentinel", () => {
    it("is a ValueError before start, then a waitable that is ready once the process ends (terminate included)", async () => {
      const p = new Process({ target: target("block"), args: [new Int32Array(new SharedArrayBuffer(4))] });
      expect(() => p.sentinel).toThrow(/not been started/);
      p.start();
      const hooks = p.sentinel[WAITABLE]();
      expect(hooks.ready()).toBe(false);
      expect(await hooks.wait({ timeout: 20 })).toBe(false);
      const ending = hooks.wait({ timeout: 20_000 });
      await p.terminate();
      expect(await ending).toBe(true);
      expect(hooks.ready()).toBe(true);
      expect(p.sentinel).toBe(p.sentinel);
    });
  });

  describe("toString()", () => {
    it("reads as Python's repr", async () => {
      const p = new Process({ target: () => {}, name: "shown", daemon: true });
      expect(String(p)).toBe("<Process name='shown' parent=0 initial daemon>");
      await run(p);
      expect(String(p)).toBe(`<Process name='shown' pid=${p.pid} parent=0 stopped exitcode=0 daemon>`);
      expect(inspect(p)).toBe(String(p));
      const busy = new Process({ target: target("block"), args: [new Int32Array(new SharedArrayBuffer(4))], name: "busy" });
      busy.start();
      expect(String(busy)).toBe(`<Process name='busy' pid=${busy.pid} parent=0 started>`);
      await busy.terminate();
      expect(String(busy)).toMatch(/stopped exitcode=-SIGTERM>$/);
    });
  });

  describe("identity", () => {
    it("pid is the worker's threadId; the worker sees its name and its parent", async () => {
      const sab = new SharedArrayBuffer(1024);
      const p = new Process({ target: target("whoAmI"), args: [sab], name: "reporter", env: { MULTIPROC_TEST: "yes" } });
      expect(p.pid).toBeUndefined();
      await run(p);
      expect(p.pid).toBeGreaterThan(0);
      expect(readReport(sab)).toEqual({
        current: { name: "reporter", pid: p.pid },
        parent: { name: "MainProcess", pid: 0 },
        env: "yes",
      });
    });

    it("a process can start processes, and shareables reach the grandchild", async () => {
      const sab = new SharedArrayBuffer(1024);
      const counter = new Counter();
      const p = await run(new Process({ target: target("startChild"), args: [sab, counter], name: "middle" }));
      expect(p.exitCode).toBe(0);
      expect(counter.value).toBe(1);
      const report = readReport(sab) as { current: { name: string }; parent: { name: string; pid: number } };
      expect(report.current.name).toMatch(/^middle:\d+$/);
      expect(report.parent).toEqual({ name: "middle", pid: p.pid });
    });

    it("parentProcess() in a grandchild names the middle process, which is alive; join(timeout) returns", async () => {
      const sab = new SharedArrayBuffer(1024);
      const p = await run(new Process({ target: target("startReportingChild"), args: [sab], name: "middle" }));
      expect(p.exitCode).toBe(0);
      expect(readReport(sab)).toEqual({
        name: "middle",
        pid: p.pid,
        alive: true,
        waited: true,
        text: `<ParentProcess name='middle' pid=${p.pid} started>`,
      });
    });

    it("currentProcess, parentProcess and cpuCount on the main thread", () => {
      expect(currentProcess()).toEqual({ name: "MainProcess", pid: 0 });
      expect(parentProcess()).toBeNull();
      expect(cpuCount()).toBeGreaterThanOrEqual(1);
    });

    it("activeChildren lists started processes until they end", async () => {
      const cell = new Int32Array(new SharedArrayBuffer(4));
      const p = new Process({ target: target("block"), args: [cell] });
      expect(activeChildren()).not.toContain(p);
      p.start();
      expect(activeChildren()).toContain(p);
      Atomics.store(cell, 0, 1);
      Atomics.notify(cell, 0);
      await p.join();
      expect(activeChildren()).not.toContain(p);
    });
  });

  describe("daemon", () => {
    const runScript = (mode: string) =>
      promisify(execFile)(process.execPath, [new URL("./__fixtures__/daemon-parent.mjs", import.meta.url).pathname, mode], {
        timeout: 20_000,
      });

    it("a non-daemon process keeps its parent alive", async () => {
      const { stdout } = await runScript("normal");
      expect(stdout).toBe("started daemon=false\nterminated\n");
    });

    it("a daemon process does not keep its parent alive", async () => {
      const { stdout } = await runScript("daemon");
      expect(stdout).toBe("started daemon=true\n");
    });

    it("join() of a daemon keeps Node alive while it waits", async () => {
      const script = new URL("./__fixtures__/scripts.mjs", import.meta.url).pathname;
      const { stdout } = await promisify(execFile)(process.execPath, [script, "join-daemon"], { timeout: 20_000 });
      expect(stdout).toBe("joined exitCode=0\n");
    });

    it("cannot change after start", async () => {
      const p = await run(new Process({ target: () => {} }));
      expect(() => (p.daemon = true)).toThrow(ValueError);
    });
  });

  describe("output and errors of the child", () => {
    const script = new URL("./__fixtures__/scripts.mjs", import.meta.url).pathname;
    const runScript = (...args: string[]) => promisify(execFile)(process.execPath, [script, ...args], { timeout: 20_000 });

    it("what a child prints reaches stdout before joinSync() returns (it used to block it for good)", async () => {
      const { stdout } = await runScript("join-sync-output");
      expect(stdout).toBe("child line 0\nchild line 1\nchild line 2\njoined exitCode=0\n");
    });

    it("what a child prints reaches stdout at once, while the parent thread is blocked", async () => {
      const child = spawn(process.execPath, [script, "output-while-blocked"], { stdio: ["ignore", "pipe", "inherit"] });
      try {
        let seen = "";
        await new Promise<void>((resolve, reject) => {
          child.stdout.on("data", (chunk: Buffer) => {
            seen += chunk.toString();
            if (seen.includes("child is waiting\n")) resolve();
          });
          child.on("exit", (code) => reject(new Error(`the script exited (${code}) before the line arrived: ${seen}`)));
        });
        expect(seen).toBe("child is waiting\n");
      } finally {
        child.kill("SIGKILL");
      }
    });

    it("a target that throws prints `Process <name>:` and the error with its stack and cause to stderr", async () => {
      const { stdout, stderr } = await runScript("fail");
      expect(stdout).toBe("exitCode=1 error=too far\n");
      expect(stderr).toMatch(/^Process Process-1:\nRangeError: too far\n {4}at fail \(file:.*targets\.mjs:\d+:\d+\)\n/);
      expect(stderr).toMatch(/limit: 10,\n {2}\[cause\]: TypeError: inner/);
    });

    it("printErrors: false keeps it quiet (the error is still on `error`)", async () => {
      const { stdout, stderr } = await runScript("fail", "quiet");
      expect([stdout, stderr]).toEqual(["exitCode=1 error=too far\n", ""]);
    });

    it("an error thrown later, outside the target, is printed too", async () => {
      const { stdout, stderr } = await runScript("fail-later");
      expect(stdout).toBe("exitCode=1\n");
      expect(stderr).toMatch(/^Process Process-1:\nError: thrown from a timer\n {4}at /);
    });

    it("checks printErrors", () => {
      expect(() => new Process({ target: () => {}, printErrors: "no" as never })).toThrow("Expected `printErrors` to be a boolean, got \"no\"");
    });
  });

  describe("TypeScript targets", () => {
    const typed = task(new URL("./__fixtures__/typed-target.ts", import.meta.url), "addTyped");

    it("run with a preload that registers a loader", async () => {
      const counter = new Counter();
      const p = await run(
        new Process({ target: typed, args: [counter, { times: 4 }], preload: [new URL("./__fixtures__/register-tsx.mjs", import.meta.url)] }),
      );
      expect(p.error).toBeUndefined();
      expect(counter.value).toBe(4);
    });

    it("fail with advice when Node cannot load them by itself", async () => {
      const p = await run(new Process({ target: typed, args: [new Counter(), { times: 1 }], printErrors: false }));
      if (Number(process.versions.node.split(".")[0]) < 22) {
        expect(p.exitCode).toBe(1);
        expect(p.error?.message).toMatch(/cannot import \.ts files in a worker by itself.*preload/s);
      } else {
        expect(p.exitCode).toBe(0);
      }
    });
  });
});
