import { inspect } from "node:util";
import { describe, expect, it } from "vitest";
import { Lock } from "@multiproc/lock";
import { Process } from "@multiproc/process";
import { Queue } from "@multiproc/queue";
import { ShareableList, ValueError } from "@multiproc/shared-value";
import { inWorker } from "./__fixtures__/in-worker.js";

describe("ShareableList", () => {
  it("holds Python's item types with Python's slot sizes and format", () => {
    const bytes = new Uint8Array([0, 1, 255]);
    const sl = new ShareableList(["howdy", 3, 2.5, true, null, bytes, 7n, -0, "12345678", ""]);
    expect(sl.length).toBe(10);
    expect(sl.toArray()).toEqual(["howdy", 3, 2.5, true, null, bytes, 7n, -0, "12345678", ""]);
    expect(Object.is(sl.get(7), -0)).toBe(true); // -0 is a float, kept exactly
    // As Python's: a str or bytes of n bytes gets n rounded up past the next multiple of 8.
    expect(sl.format).toBe("8sqd?x8sqd16s8s");
    expect([sl.get(-1), sl.get(-10)]).toEqual(["", "howdy"]);
    expect([...sl]).toEqual(sl.toArray());
    expect(String(sl)).toBe("ShareableList(['howdy', 3, 2.5, True, None, b'\\x00\\x01\\xff', 7, 0, '12345678', ''])");
    expect(inspect(sl)).toBe(String(sl));
    const got = sl.get(5) as Uint8Array;
    got[0] = 9; // a copy: the list is unchanged
    expect(sl.get(5)).toEqual(bytes);
    expect(new ShareableList().length).toBe(0);
    const marked = new ShareableList(["\ufeffbom", "\ufeff"]); // a leading U+FEFF is part of the str, as in Python
    expect(marked.toArray()).toEqual(["\ufeffbom", "\ufeff"]);
  });

  it("lets any value replace any other that fits its room, and refuses a string or bytes that outgrows it, changing nothing", () => {
    const sl = new ShareableList(["howdy", 3, "12345678"]);
    sl.set(0, "hi");
    sl.set(0, "1234567"); // 8 bytes of room for "howdy"
    sl.set(1, "eight ch"); // a number's 8 bytes take an 8-byte string
    sl.set(2, 1.5);
    sl.set(2, "0123456789abcdef"); // the 16 bytes "12345678" was given
    expect(sl.toArray()).toEqual(["1234567", "eight ch", "0123456789abcdef"]);
    expect(sl.format).toBe("8s8s16s");
    expect(() => sl.set(0, "123456789")).toThrow(ValueError);
    expect(() => sl.set(1, new Uint8Array(9))).toThrow(/9 bytes exceeds the 8 bytes of item 1/);
    expect(() => sl.set(-1, "é".repeat(9))).toThrow(ValueError); // 18 UTF-8 bytes
    expect(sl.toArray()).toEqual(["1234567", "eight ch", "0123456789abcdef"]);
    sl.set(0, null);
    sl.set(1, false);
    sl.set(-1, -(2n ** 63n));
    expect(sl.toArray()).toEqual([null, false, -(2n ** 63n)]);
    expect(sl.format).toBe("x?q");
  });

  it("counts and finds items as Python's count and index", () => {
    const sl = new ShareableList([1, "a", 1, NaN, new Uint8Array([1]), null, 1n]);
    expect([sl.count(1), sl.count("a"), sl.count(NaN), sl.count(new Uint8Array([1])), sl.count(null), sl.count(1n), sl.count(true)]).toEqual([2, 1, 1, 1, 1, 1, 0]);
    expect([sl.index(1), sl.index("a"), sl.index(new Uint8Array([1])), sl.index(null)]).toEqual([0, 1, 4, 5]);
    expect(() => sl.index("b")).toThrow(ValueError);
  });

  it("refuses bad input with clear errors", () => {
    expect(() => new ShareableList(5 as never)).toThrow(TypeError);
    expect(() => new ShareableList("abc" as never)).toThrow(/iterable of items/);
    expect(() => new ShareableList([1, {} as never])).toThrow(/item 1 to be a number, bigint, boolean, string, Uint8Array or null/);
    expect(() => new ShareableList([undefined as never])).toThrow(TypeError);
    expect(() => new ShareableList([2n ** 63n])).toThrow(RangeError);
    const sl = new ShareableList([1, 2]);
    expect(() => sl.get(2)).toThrow(RangeError);
    expect(() => sl.get(-3)).toThrow(RangeError);
    expect(() => sl.get(0.5)).toThrow(TypeError);
    expect(() => sl.set("0" as never, 1)).toThrow(TypeError);
    expect(() => sl.set(0, Symbol("s") as never)).toThrow(TypeError);
    expect(() => sl.set(0, [1] as never)).toThrow(TypeError);
    expect(sl.toArray()).toEqual([1, 2]);
  });

  it("is the same list in other threads: 2 workers add under a Lock and the count is exact, at any depth of the args", async () => {
    const list = new ShareableList([0, "x".repeat(15), 0, null]);
    const lock = new Lock();
    const start = new Int32Array(new SharedArrayBuffer(4));
    const n = 2000;
    const replies = await Promise.all(
      ["worker-a", "worker-b"].map((name, w) => inWorker("listIncrement", { list, lock, n, start, slots: [0, 2], named: w === 0 ? 1 : 3, name })),
    );
    expect(list.toArray()).toEqual([2 * n, "worker-a", 2 * n, "worker-b"]);
    expect(list.format).toBe("q16sq8s");
    for (const reply of replies) expect(reply.items).toHaveLength(4);
  });

  it("travels inside Process args and Queue items, and stays one list", async () => {
    const list = new ShareableList([1, "from main"]);
    const queue = new Queue<{ list: ShareableList }>();
    const p = new Process({
      target: (q: Queue<{ list: ShareableList }>) => {
        const { list } = q.getSync();
        list.set(0, (list.get(0) as number) * 10);
        list.set(1, "from child");
      },
      args: [queue],
    });
    p.start();
    queue.putSync({ list });
    await p.join();
    expect(p.exitCode).toBe(0);
    expect(list.toArray()).toEqual([10, "from child"]);
  });
});
