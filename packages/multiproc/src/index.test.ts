import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";
import * as core from "@multiproc/core";
import * as event from "@multiproc/event";
import * as lock from "@multiproc/lock";
import * as pipe from "@multiproc/pipe";
import * as manager from "@multiproc/manager";
import * as pool from "@multiproc/pool";
import * as processPackage from "@multiproc/process";
import * as queue from "@multiproc/queue";
import * as semaphore from "@multiproc/semaphore";
import * as sharedValue from "@multiproc/shared-value";
import * as umbrella from "multiproc";

describe("multiproc", () => {
  it("refuses unknown option names everywhere, changing nothing, instead of ignoring them", async () => {
    const { Barrier, Event, Lock, Pipe, Process, Queue, JoinableQueue, Semaphore, SharedArray, SharedMemory, SharedValue } = umbrella;
    const unknown = (name: string, where: string) => new RegExp(`Unknown option \`${name}\` in ${where}\\.`);
    expect(() => new Queue({ maxSize: 3 } as never)).toThrow(unknown("maxSize", "queue options"));
    expect(() => new JoinableQueue({ max: 3 } as never)).toThrow(TypeError);
    expect(() => new Process({ target: () => 1, deamon: true } as never)).toThrow(/Unknown option `deamon` in Process options\. Did you mean `daemon`\?/);
    expect(() => new Barrier(2, { timeOut: 5 } as never)).toThrow(unknown("timeOut", "Barrier options"));
    expect(() => Pipe({ duplx: false } as never)).toThrow(/Did you mean `duplex`\?/);
    expect(() => new SharedValue("i", 1, { locked: false } as never)).toThrow(unknown("locked", "SharedValue options"));
    expect(() => new SharedArray("i", 2, { Lock: false } as never)).toThrow(/Did you mean `lock`\?/);
    expect(() => new SharedMemory({ size: 8, name: "x" } as never)).toThrow(unknown("name", "SharedMemory options"));
    const queue = new Queue<number>();
    queue.putSync(1);
    await expect(queue.get({ timeot: 5 } as never)).rejects.toThrow(/Unknown option `timeot` in the wait options\. Did you mean `timeout`\?/);
    expect(queue.qsize()).toBe(1); // nothing was taken
    expect(() => queue.shutdown({ now: true } as never)).toThrow(unknown("now", "shutdown options"));
    expect(queue.isShutdown).toBe(false);
    const lock = new Lock();
    expect(() => lock.acquireSync({ wait: false } as never)).toThrow(unknown("wait", "the wait options"));
    expect(lock.locked()).toBe(false);
    expect(() => new Semaphore(1).acquireSync({ blocking: false } as never)).toThrow(TypeError);
    await expect(new Event().wait({ timeout: 1, signl: undefined } as never)).rejects.toThrow(/Did you mean `signal`\?/);
  });

  it("re-exports every export of every package", () => {
    for (const pkg of [core, event, lock, manager, pipe, pool, processPackage, queue, semaphore, sharedValue]) {
      for (const [name, value] of Object.entries(pkg)) if (name !== "wait") expect(umbrella[name as keyof typeof umbrella], name).toBe(value);
    }
  });

  it("exports the documented API and nothing of the internals (they live in the packages' /internal entries)", () => {
    expect(Object.keys(umbrella).sort()).toEqual(
      [
        ...["AsyncResult", "AuthenticationError", "BaseProxy", "Barrier", "Block", "BoundedSemaphore", "BrokenBarrierError", "BrokenPipeError", "BrokenPoolError", "BufferTooShort"],
        ...["CancelledError", "Condition", "Connection", "DictProxy", "EOFError", "Event", "FIRST_CUSTOM_KIND", "Future", "IMapIterator", "InvalidStateError", "JoinableQueue", "KeyError", "ListProxy"],
        ...["Lock", "Manager", "ManagerClosedError", "MultiprocError", "Parallel", "ParentProcess", "Pipe", "Pool", "Process", "ProcessPoolExecutor", "Queue", "QueueClosedError", "QueueEmptyError"],
        ...["QueueFullError", "RLock", "RemoteError", "SHAREABLE", "Semaphore", "ShareableList", "SharedArray", "SharedMemory", "SharedMemoryManager", "SharedValue", "ShutDown", "SimpleQueue", "SyncManager"],
        ...["ThreadPoolExecutor", "TimeoutError", "ValueError", "WorkerDiedError", "activeChildren", "allocateBlock", "asCompleted", "bindBlock", "cpuCount", "currentProcess"],
        ...["defineKind", "delayed", "dropStoredBlock", "isShareable", "parallel", "parentProcess", "registerErrorClass", "reviveStoredBlock", "storeBlock", "task", "unbindBlock", "wait"],
      ].sort(),
    );
    const require = createRequire(import.meta.url);
    expect(Object.keys(require("multiproc")).sort()).toEqual(Object.keys(umbrella).sort());
    for (const internal of ["lockMutex", "encode", "startThread", "waitSync", "scan", "KIND", "WAITABLE"]) expect(umbrella).not.toHaveProperty(internal);
  });

  it("refuses to construct the classes that only the library makes, or without what they are made from", () => {
    expect(() => new (umbrella.AsyncResult as unknown as new () => unknown)()).toThrow(/An AsyncResult is made from a Promise of the outcome, got undefined/);
    expect(() => new (umbrella.ParentProcess as unknown as new () => unknown)()).toThrow(/made by parentProcess\(\)/);
    expect(() => new (umbrella.IMapIterator as unknown as new () => unknown)()).toThrow(/An IMapIterator is made from an async generator of outcomes/);
  });

  it("has one wait() for Connections and sentinels (pipe) and Futures (pool)", async () => {
    const [a, b] = umbrella.Pipe();
    b.send("hi");
    expect(await umbrella.wait([a, b], 0)).toEqual([a]);
    expect(await umbrella.wait([a, b], { timeout: 0 })).toEqual([a]);
    const p = new umbrella.Process({ target: () => {} });
    p.start();
    expect(await umbrella.wait([b, p.sentinel], 20_000)).toEqual([p.sentinel]);
    await p.join();
    expect(await umbrella.wait([])).toEqual([]);
    await using ex = new umbrella.ProcessPoolExecutor({ maxWorkers: 1 });
    const f = ex.submit((n: number) => n + 1, 1);
    const { done, notDone } = await umbrella.wait([f]);
    expect([done.has(f), notDone.size, await f]).toEqual([true, 0, 2]);
  });

  it("works from CommonJS too, sharing state with the ESM build", async () => {
    const cjs = createRequire(import.meta.url)("multiproc") as typeof umbrella;
    expect(cjs.Process).toBeTypeOf("function");
    const p = new cjs.Process({ target: () => {} });
    p.start();
    await p.join();
    expect(p.exitCode).toBe(0);
    expect(cjs.currentProcess()).toEqual(umbrella.currentProcess());
  });
});
