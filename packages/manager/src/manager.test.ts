import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { task } from "@multiproc/core";
import { ValueError } from "@multiproc/core/internal";
import { Event } from "@multiproc/event";
import { Lock, RLock } from "@multiproc/lock";
import { Pipe } from "@multiproc/pipe";
import { Pool } from "@multiproc/pool";
import { Process } from "@multiproc/process";
import { JoinableQueue, Queue } from "@multiproc/queue";
import { SharedValue } from "@multiproc/shared-value";
import { DictProxy, KeyError, ListProxy, Manager, ManagerClosedError, SyncManager, type NamespaceProxy } from "@multiproc/manager";

let manager: SyncManager;

beforeAll(async () => {
  manager = await Manager();
});

afterAll(async () => {
  await manager.shutdown();
});

async function runAll(processes: Process[]): Promise<number[]> {
  for (const p of processes) p.start();
  await Promise.all(processes.map((p) => p.join()));
  return processes.map((p) => p.exitCode!);
}

describe("dict proxy", () => {
  it("behaves as Python's dict, async and sync", async () => {
    const d = await manager.dict<string | number, unknown>([["a", 1]]);
    expect(d).toBeInstanceOf(DictProxy);
    await d.set("b", [1, { deep: true }]);
    d.setSync(3, "three");
    expect(await d.get("b")).toEqual([1, { deep: true }]);
    expect([d.getSync("missing"), await d.get("missing", "fallback"), d.hasSync(3), await d.has("zz")]).toEqual([undefined, "fallback", true, false]);
    expect([await d.size(), d.keysSync(), await d.values()]).toEqual([3, ["a", "b", 3], [1, [1, { deep: true }], "three"]]);
    expect(await d.items()).toEqual([["a", 1], ["b", [1, { deep: true }]], [3, "three"]]);
    await d.update({ c: 4 });
    d.updateSync(new Map([["d", 5]]));
    expect([await d.pop("c"), d.popSync("nope", 0), await d.setdefault("e", 6), await d.setdefault("e", 7)]).toEqual([4, 0, 6, 6]);
    await expect(d.pop("nope")).rejects.toThrow(KeyError);
    expect(await d.popitem()).toEqual(["e", 6]);
    expect([await d.delete("d"), d.deleteSync("d")]).toEqual([true, false]);
    const copy = await d.copy();
    expect(copy).toEqual(new Map<unknown, unknown>([["a", 1], ["b", [1, { deep: true }]], [3, "three"]]));
    const keys: unknown[] = [];
    for await (const key of d) keys.push(key);
    expect(keys).toEqual(["a", "b", 3]);
    await d.clear();
    expect(d.sizeSync()).toBe(0);
    expect(() => d.popitemSync()).toThrow(KeyError);
    expect(String(d)).toMatch(/^<DictProxy object \d+>$/);
  });

  it("a reply the calling thread cannot decode fails the request it answers, and only that one", async () => {
    const d = await manager.dict<string, unknown>();
    const [end, other] = Pipe();
    await d.set("end", end);
    await d.set("n", 5);
    await using pool = new Pool({ processes: 1 });
    const cannot = 'Cannot revive a Connection (from @multiproc/pipe) in this thread: its package is not loaded here. Import "@multiproc/pipe" in this thread (for example in the task module).';
    // Before, the async call's lost reply was an unhandled rejection (the worker died) and the crossed one never settled.
    expect(await pool.apply(task(new URL("./__fixtures__/unloadable.mjs", import.meta.url), "readWhereItCannotLoad"), [d])).toEqual({
      asyncError: cannot,
      syncError: cannot,
      crossed: cannot,
      n: 5,
      after: 5,
    });
    end.close();
    other.close();
  });

  it("refuses object keys and unsendable values with clear errors, changing nothing", async () => {
    const d = await manager.dict();
    await expect(d.set({} as never, 1)).rejects.toThrow(/dict key to be a string, number, bigint, boolean, null or undefined/);
    expect(() => d.setSync("f", () => 1)).toThrow(TypeError);
    await expect(d.set("s", Symbol("x"))).rejects.toThrow(TypeError);
    expect(await d.size()).toBe(0);
    await expect(manager.dict(42 as never)).rejects.toThrow(TypeError);
    // A request's method name never reaches Object.prototype's, whatever a caller sends.
    const raw = d as unknown as { call(method: string, args: unknown[]): Promise<unknown> };
    for (const name of ["constructor", "__proto__", "toString", "hasOwnProperty"]) await expect(raw.call(name, [])).rejects.toThrow(`A dict proxy has no method "${name}"`);
  });
});

describe("list proxy", () => {
  it("behaves as Python's list, with negative indexes and Python's errors", async () => {
    const l = await manager.list([3, 1, 2]);
    expect(l).toBeInstanceOf(ListProxy);
    expect([await l.get(0), l.getSync(-1), await l.length()]).toEqual([3, 2, 3]);
    await l.append(5);
    l.extendSync([1, 1]);
    await l.insert(0, 9);
    l.insertSync(100, 7); // clamped to the end, as Python
    expect(await l.copy()).toEqual([9, 3, 1, 2, 5, 1, 1, 7]);
    expect([await l.count(1), await l.index(1), l.indexSync(1, 3), await l.pop(), l.popSync(0)]).toEqual([3, 2, 5, 7, 9]);
    await l.remove(1);
    await expect(l.remove(42)).rejects.toThrow(ValueError);
    await expect(l.index(42)).rejects.toThrow(ValueError);
    await expect(l.get(10)).rejects.toThrow(RangeError);
    expect(() => l.setSync(-10, 0)).toThrow(RangeError);
    await l.set(-1, 0);
    expect(l.copySync()).toEqual([3, 2, 5, 1, 0]);
    await l.sort();
    expect(await l.slice(1, -1)).toEqual([1, 2, 3]);
    l.sortSync({ reverse: true });
    await l.reverse();
    expect(await l.copy()).toEqual([0, 1, 2, 3, 5]);
    const mixed = await manager.list<unknown>([1, "a"]);
    await expect(mixed.sort()).rejects.toThrow(TypeError);
    expect(await mixed.copy()).toEqual([1, "a"]); // unchanged
    const tuples = await manager.list([[2, "b"], [1, "z"], [2, "a"]]);
    await tuples.sort();
    expect(await tuples.copy()).toEqual([[1, "z"], [2, "a"], [2, "b"]]);
    // Python's reversed sort is stable too: [1, True, 2, 1.0].sort(reverse=True) gives [2, 1, True, 1.0].
    const equals = await manager.list<number | boolean | bigint>([1, true, 2, 1n]);
    await equals.sort({ reverse: true });
    expect(await equals.copy()).toEqual([2, 1, true, 1n]);
    // Strings by code point, as Python's sort (JavaScript's < puts U+1F600, units D83D DE00, before U+FFFD).
    const strings = await manager.list(["\uffff", "\u{1F600}", "a", "\ufffd", "\ue000", "\u{10000}", "\u{1F600}b", "\u{1F600}a"]);
    await strings.sort();
    expect(await strings.copy()).toEqual(["a", "\ue000", "\ufffd", "\uffff", "\u{10000}", "\u{1F600}", "\u{1F600}a", "\u{1F600}b"]);
    expect(await (await manager.list([{ a: [1] }])).index({ a: [1] })).toBe(0); // by value, as Python's ==
    const items: unknown[] = [];
    for await (const item of l) items.push(item);
    expect(items).toEqual([0, 1, 2, 3, 5]);
    await l.clear();
    await expect(l.pop()).rejects.toThrow("pop from an empty list");
  });
});

describe("Namespace proxy", () => {
  it("reads and writes attributes synchronously, as Python's", async () => {
    const ns = (await manager.Namespace({ x: 1 })) as NamespaceProxy<{ x: number; y?: string; z?: number }>;
    ns.y = "why";
    expect([ns.x, ns.y, ns.z, "y" in ns, "z" in ns]).toEqual([1, "why", undefined, true, false]);
    delete ns.y;
    expect(Object.keys(ns)).toEqual(["x"]);
    expect({ ...ns }).toEqual({ x: 1 });
    expect([String(ns), `${ns}`]).toEqual(["Namespace(x=1)", "Namespace(x=1)"]); // Python's str(ns)
    expect(await Promise.resolve(ns)).toBe(ns); // not a thenable: awaiting it sends nothing
    const other = manager.NamespaceSync();
    expect(Object.keys(other)).toEqual([]);
  });
});

describe("Manager", () => {
  it("4 processes x 10k increments of a dict entry under a manager Lock give the exact count", async () => {
    const counts = await manager.dict<string, number>({ n: 0 });
    const lock = manager.Lock();
    expect(lock).toBeInstanceOf(Lock);
    const worker = (d: DictProxy<string, number>, l: Lock, times: number) => {
      for (let i = 0; i < times; i++) {
        l.acquireSync();
        d.setSync("n", d.getSync("n")! + 1);
        l.release();
      }
    };
    expect(await runAll(Array.from({ length: 4 }, () => new Process({ target: worker, args: [counts, lock, 10_000] })))).toEqual([0, 0, 0, 0]);
    expect(await counts.get("n")).toBe(40_000);
  }, 120_000); // 80k round trips under a contended lock: about 5 s on an idle 2-core machine, several times that on a loaded one

  it("a list appended from 4 processes has every item once", async () => {
    const items = await manager.list<number>();
    const worker = async (l: ListProxy<number>, base: number) => {
      for (let i = 0; i < 500; i++) await (i % 2 ? l.append(base + i) : Promise.resolve(l.appendSync(base + i)));
    };
    await runAll([0, 1, 2, 3].map((w) => new Process({ target: worker, args: [items, w * 1000] })));
    const all = (await items.copy()).sort((a, b) => a - b);
    expect(all).toEqual([0, 1, 2, 3].flatMap((w) => Array.from({ length: 500 }, (_, i) => w * 1000 + i)));
  });

  it("nests proxies: a managed list in a managed dict, changed through the inner proxy anywhere", async () => {
    const outer = await manager.dict();
    const inner = await manager.list([1]);
    await outer.set("inner", inner);
    const got = (await outer.get("inner")) as ListProxy;
    expect(got).toBeInstanceOf(ListProxy);
    await got.append(2);
    const child = new Process({
      target: (d: DictProxy) => {
        (d.getSync("inner") as ListProxy).appendSync(3);
      },
      args: [outer],
    });
    expect(await runAll([child])).toEqual([0]);
    expect(await inner.copy()).toEqual([1, 2, 3]);
  });

  it("proxies and the manager itself travel in Queue items and Pool task args; a Process can make objects", async () => {
    const d = await manager.dict();
    const queue = new Queue<{ deep: { d: DictProxy } }>();
    queue.putSync({ deep: { d } });
    (queue.getSync().deep.d as DictProxy).setSync("via", "queue");
    await using pool = new Pool({ processes: 1 });
    await pool.apply((p: DictProxy) => p.set("via2", "pool"), [d]);
    expect(await d.items()).toEqual([["via", "queue"], ["via2", "pool"]]);
    const results = new Queue<ListProxy>();
    const maker = new Process({
      target: async (m: SyncManager, out: Queue<ListProxy>) => {
        const made = await m.list(["made in a child"]);
        out.putSync(made);
        await m.shutdown().catch((error: Error) => made.appendSync(error.message));
      },
      args: [manager, results],
    });
    expect(await runAll([maker])).toEqual([0]);
    expect(await results.getSync().copy()).toEqual(["made in a child", "Only the thread that started a manager can shut it down"]);
  });

  it("gives multiproc's own primitives for Lock, RLock, Queue, Value, …", () => {
    expect(manager.RLock()).toBeInstanceOf(RLock);
    expect(manager.Event()).toBeInstanceOf(Event);
    expect(manager.Queue(3).maxsize).toBe(3);
    expect(manager.JoinableQueue()).toBeInstanceOf(JoinableQueue);
    expect(manager.Value("i", 7)).toBeInstanceOf(SharedValue);
    expect(manager.Value("i", 7).value).toBe(7);
    expect(manager.Array("d", [1.5, 2]).toArray()).toEqual([1.5, 2]);
    expect(manager.Semaphore(2).getValue()).toBe(2);
    expect(manager.BoundedSemaphore().getValue()).toBe(1);
    expect(manager.Barrier(2).parties).toBe(2);
    expect(manager.Condition()).toBeDefined();
  });

  it("a process that dies holding proxies leaks nothing in the manager", async () => {
    const before = await manager.numberOfObjects();
    const made = new Queue<number>();
    const child = new Process({
      target: async (m: SyncManager, out: Queue<number>) => {
        const kept = [];
        for (let i = 0; i < 10; i++) kept.push(await m.dict({ i }), m.listSync([i]));
        out.putSync(kept.length);
        await new Promise(() => {}); // holds them until it is killed
      },
      args: [manager, made],
    });
    child.start();
    expect(await made.get()).toBe(20);
    expect(await manager.numberOfObjects()).toBe(before + 20);
    await child.kill();
    await child.join();
    expect(await manager.numberOfObjects()).toBe(before);
  });
});

describe("shutdown", () => {
  it("every proxy throws ManagerClosedError after it, sync and async, in any process; nothing hangs", async () => {
    const own = await Manager();
    expect(own.running).toBe(true);
    const d = await own.dict({ a: 1 });
    const started = new Event();
    const result = new Queue<string>();
    const child = new Process({
      target: async (p: DictProxy, go: Event, out: Queue<string>) => {
        go.waitSync();
        try {
          p.getSync("a");
          out.putSync("no error");
        } catch (error) {
          out.putSync((error as Error).name);
        }
      },
      args: [d, started, result],
    });
    child.start();
    await own.shutdown();
    await own.shutdown(); // a second call does nothing
    expect(own.running).toBe(false);
    started.set();
    expect(await result.get()).toBe("ManagerClosedError");
    await child.join();
    await expect(d.get("a")).rejects.toThrow(ManagerClosedError);
    expect(() => d.setSync("a", 2)).toThrow(ManagerClosedError);
    await expect(own.dict()).rejects.toThrow(ManagerClosedError);
    expect(() => own.Lock()).toThrow(ManagerClosedError);
    expect(String(own)).toBe("<SyncManager shut down>");
    await expect(Manager({ address: "x" } as never)).rejects.toThrow(TypeError);
  });
});
