import { inspect } from "node:util";
import { describe, expect, it } from "vitest";
import { currentThreadRecord, toMessage, ValueError } from "@multiproc/core/internal";
import { Lock, RLock } from "@multiproc/lock";
import { SharedArray, SharedMemory, SharedValue, type Typecode } from "@multiproc/shared-value";
import { inWorker } from "./__fixtures__/in-worker.js";

const EDGES: [Typecode, unknown[]][] = [
  ["b", [-128, 127, 0]],
  ["B", [0, 255]],
  ["h", [-32768, 32767]],
  ["H", [0, 65535]],
  ["i", [-(2 ** 31), 2 ** 31 - 1]],
  ["I", [0, 2 ** 32 - 1]],
  ["l", [-(2 ** 31), 2 ** 31 - 1]],
  ["L", [0, 2 ** 32 - 1]],
  ["q", [-(2n ** 63n), 2n ** 63n - 1n, 0n]],
  ["Q", [0n, 2n ** 64n - 1n]],
  ["f", [Number.NaN, -0, Infinity, -Infinity, 1.5, 3.4028234663852886e38]],
  ["d", [Number.NaN, -0, Infinity, Number.MAX_VALUE, Number.MIN_VALUE, -1e-300]],
  ["int8", [-128]],
  ["biguint64", [2n ** 64n - 1n]],
  ["float64", [Math.PI]],
];

describe("SharedValue", () => {
  it("round-trips the edge values of every typecode, here and in another thread", async () => {
    const values = EDGES.flatMap(([code, edges]) => edges.map((edge) => new SharedValue(code, edge as never)));
    const expected = EDGES.flatMap(([, edges]) => edges);
    const here = values.map((v) => v.value);
    for (let i = 0; i < expected.length; i++) expect(Object.is(here[i], expected[i]), `value ${i}: ${String(here[i])}`).toBe(true);
    const there = await inWorker("values", { values });
    for (let i = 0; i < expected.length; i++) expect(Object.is(there[i], expected[i]), `value ${i} in the worker`).toBe(true);
  });

  it("starts at zero (0n for bigint typecodes) and shares writes both ways", async () => {
    const a = new SharedValue("i");
    const b = new SharedValue("q");
    expect(a.value).toBe(0);
    expect(b.value).toBe(0n);
    await inWorker("setValues", { values: [a, b], to: [7, 9n] });
    expect([a.value, b.value]).toEqual([7, 9n]);
    expect(a.typecode).toBe("int32");
  });

  it("refuses bad typecodes and values with clear errors, and changes nothing", () => {
    expect(() => new SharedValue("x" as never)).toThrow(ValueError);
    expect(() => new SharedValue("x" as never)).toThrow(/Unknown typecode "x": expected one of b B h H i I l L q Q f d/);
    expect(() => new SharedValue("q", 1 as never)).toThrow(new TypeError("Expected `initial` to be a bigint for typecode bigint64, got 1"));
    expect(() => new SharedValue("i", 1n as never)).toThrow(TypeError);
    expect(() => new SharedValue("i", 1.5)).toThrow(/an integer for typecode int32/);
    expect(() => new SharedValue("B", 256)).toThrow(RangeError);
    expect(() => new SharedValue("i", 0, { lock: "yes" as never })).toThrow(/`lock` to be true, false, a Lock or an RLock/);
    const v = new SharedValue("h", 5);
    expect(() => (v.value = 40_000)).toThrow(RangeError);
    expect(() => (v.value = "1" as never)).toThrow(TypeError);
    expect(v.value).toBe(5);
  });

  it("has an RLock by default, a given lock, or none (getLock: ValueError)", async () => {
    expect(new SharedValue("i").getLock()).toBeInstanceOf(RLock);
    const lock = new Lock();
    expect(new SharedValue("i", 0, { lock }).getLock()).toBe(lock);
    expect(() => new SharedValue("i", 0, { lock: false }).getLock()).toThrow(
      new ValueError("This SharedValue was created with lock: false, so it has no lock"),
    );
    const shared = new SharedValue("d", 0, { lock: new Lock() });
    shared.getLock().acquireSync();
    await expect(inWorker("tryLock", { value: shared })).resolves.toBe(false);
    shared.getLock().release();
    await expect(inWorker("tryLock", { value: shared })).resolves.toBe(true);
  });

  it("atomic add/sub/exchange/compareExchange on integers; TypeError on floats", () => {
    const v = new SharedValue("i", 10);
    expect(v.add(5)).toBe(15);
    expect(v.sub(20)).toBe(-5);
    expect(v.exchange(3)).toBe(-5);
    expect(v.compareExchange(3, 4)).toBe(3);
    expect(v.compareExchange(3, 9)).toBe(4);
    expect(v.value).toBe(4);
    const small = new SharedValue("B", 250);
    expect(small.add(10)).toBe(4); // wraps like uint8_t
    const big = new SharedValue("Q", 2n ** 64n - 1n);
    expect(big.add(2n)).toBe(1n);
    expect(() => v.add(1.5)).toThrow(TypeError);
    expect(() => big.add(1 as never)).toThrow(TypeError);
    expect(() => new SharedValue("d", 1).add(1)).toThrow(new TypeError("Atomic operations need an integer typecode; this one is float64"));
  });

  it("locked `value += 1` from 2 workers gives the exact total", async () => {
    const value = new SharedValue("i", 0);
    const start = new Int32Array(new SharedArrayBuffer(4));
    const n = 100_000;
    await Promise.all([1, 2].map(() => inWorker("lockedIncrement", { value, n, start })));
    expect(value.value).toBe(2 * n);
  });

  it("atomic add from 2 workers gives the exact total without a lock", async () => {
    const value = new SharedValue("q", 0n, { lock: false });
    const start = new Int32Array(new SharedArrayBuffer(4));
    const n = 200_000;
    await Promise.all([1, 2].map(() => inWorker("atomicIncrement", { value, n, start })));
    expect(value.value).toBe(BigInt(2 * n));
  });
});

describe("SharedArray", () => {
  it("is written by one worker and read by another", async () => {
    const array = new SharedArray("d", 10);
    await inWorker("fill", { array });
    expect(await inWorker("read", { array })).toEqual([0, 1, 4, 9, 16, 25, 36, 49, 64, 81]);
    expect(array.toArray()).toEqual([0, 1, 4, 9, 16, 25, 36, 49, 64, 81]);
  });

  it("takes initial elements, and has length, get/set (negative indices), raw and iteration", () => {
    const array = new SharedArray("Q", [1n, 2n, 3n]);
    expect(array.length).toBe(3);
    expect(array.get(-1)).toBe(3n);
    array.set(0, 10n);
    expect([...array]).toEqual([10n, 2n, 3n]);
    expect(array.raw).toBeInstanceOf(BigUint64Array);
    expect(array.raw.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(array.add(1, 5n)).toBe(7n);
    expect(new SharedArray("i", 0).toArray()).toEqual([]);
  });

  it("refuses bad sizes, elements and indices", () => {
    expect(() => new SharedArray("i", -1)).toThrow(new ValueError("Expected the size to be >= 0, got -1"));
    expect(() => new SharedArray("i", 2.5)).toThrow(TypeError);
    expect(() => new SharedArray("i", null as never)).toThrow(TypeError);
    expect(() => new SharedArray("i", [1, "2"] as never)).toThrow(/element 1 to be a number/);
    expect(() => new SharedArray("z" as never, 3)).toThrow(ValueError);
    const array = new SharedArray("i", 3);
    expect(() => array.get(3)).toThrow(new RangeError("Index 3 is out of range for a SharedArray of length 3"));
    expect(() => array.set(-4, 1)).toThrow(RangeError);
    expect(() => array.get(1.5)).toThrow(TypeError);
    expect(() => array.set(0, 2 ** 40)).toThrow(RangeError);
    expect(() => new SharedArray("i", 1, { lock: false }).getLock()).toThrow(ValueError);
    expect(array.toArray()).toEqual([0, 0, 0]);
  });
});

describe("SharedMemory", () => {
  it("shares raw bytes with other threads", async () => {
    const memory = new SharedMemory({ size: 64 });
    expect(memory.size).toBe(64);
    await inWorker("writeMemory", { memory, text: "hello from a worker" });
    expect(new TextDecoder().decode(memory.buf.slice(0, 19))).toBe("hello from a worker");
  });

  it("close() lets go of the memory at once (no garbage collection), and the instance is closed for good", () => {
    const live = () => currentThreadRecord().arena.liveBlocks();
    const before = live();
    for (let i = 0; i < 10_000; i++) {
      const memory = new SharedMemory({ size: 1 << 20 }); // 10 GiB in all: more than the arena holds
      memory.buf[0] = 1;
      memory.close();
    }
    expect(live()).toBe(before);
    const memory = new SharedMemory({ size: 8 });
    memory.close();
    memory.close(); // again: nothing happens
    expect([memory.closed, memory.size, String(memory)]).toEqual([true, 8, expect.stringMatching(/^<SharedMemory at 0x[0-9a-f]+ size=8 closed>$/)]);
    expect(() => memory.buf).toThrow(new ValueError("This SharedMemory is closed: its buf is gone"));
    expect(() => structuredClone(toMessage({ memory }))).toThrow(/Cannot send a closed SharedMemory/);
    {
      using scoped = new SharedMemory({ size: 8 });
      scoped.buf[0] = 1;
    }
    expect(live()).toBe(before);
  });

  it("refuses a size that is not a positive integer", () => {
    expect(() => new SharedMemory({ size: 0 })).toThrow(new ValueError("Expected `size` to be a positive integer, got 0"));
    expect(() => new SharedMemory({ size: 1.5 })).toThrow(ValueError);
    expect(() => new SharedMemory({ size: "8" as never })).toThrow(TypeError);
    expect(() => new SharedMemory(undefined as never)).toThrow(TypeError);
  });
});

describe("typecode 'c' (char)", () => {
  it("holds one byte, read as a 1-character string, written as one, as a 1-byte Uint8Array or as 0-255", async () => {
    const v = new SharedValue("c");
    expect(v.value).toBe("\x00");
    expect(v.typecode).toBe("char");
    v.value = "x";
    expect(v.value).toBe("x");
    v.value = new Uint8Array([0xff]) as never;
    expect(v.value).toBe("\xff");
    v.value = 65 as never;
    expect(v.value).toBe("A");
    expect(() => (v.value = "ab")).toThrow(/1-character string/);
    expect(() => (v.value = "€")).toThrow(TypeError);
    expect(() => v.add("a" as never)).toThrow(/Atomic operations need an integer typecode; this one is char/);
    const word = new SharedArray("c", "hello");
    expect(word.toArray().join("")).toBe("hello");
    expect(word.raw).toBeInstanceOf(Uint8Array);
    await inWorker("fill", { array: new SharedArray("d", 10) }); // the worker fixture still loads
    const there = await inWorker("values", { values: [v, new SharedValue("c", "z")] });
    expect(there).toEqual(["A", "z"]);
    expect(String(new SharedValue("c", "q"))).toMatch(/^<SharedValue char at 0x[0-9a-f]+ value="q">$/);
  });
});

describe("getObj()", () => {
  it("gives the value object without its lock, and the array's typed array", () => {
    const v = new SharedValue("i", 3);
    const obj = v.getObj();
    obj.value = 9;
    expect([obj.value, v.value]).toEqual([9, 9]);
    expect(() => (obj.value = 1.5)).toThrow(TypeError);
    const a = new SharedArray("d", [1, 2]);
    expect(a.getObj()).toBe(a.raw);
  });
});

describe("SharedArray slices", () => {
  it("slice(start, end) copies as Python's a[start:end], negative bounds included", () => {
    const a = new SharedArray("i", [0, 1, 2, 3, 4]);
    expect(a.slice()).toEqual([0, 1, 2, 3, 4]);
    expect(a.slice(1, 3)).toEqual([1, 2]);
    expect(a.slice(-2)).toEqual([3, 4]);
    expect(a.slice(2, -1)).toEqual([2, 3]);
    expect(a.slice(4, 2)).toEqual([]);
    expect(a.slice(-100, 100)).toEqual([0, 1, 2, 3, 4]);
    expect(() => a.slice(1.5)).toThrow(TypeError);
    expect(new SharedArray("c", "abc").slice(1).join("")).toBe("bc");
  });

  it("set(values, offset) writes a run of elements; a bad value or a run too long changes nothing", () => {
    const a = new SharedArray("i", 5);
    a.set([7, 8], 1);
    expect(a.toArray()).toEqual([0, 7, 8, 0, 0]);
    a.set(new Int32Array([1, 2, 3]));
    expect(a.toArray()).toEqual([1, 2, 3, 0, 0]);
    a.set(new Set([9]), 4);
    expect(a.toArray()).toEqual([1, 2, 3, 0, 9]);
    expect(() => a.set([1, 2], 4)).toThrow(new RangeError("Cannot write 2 elements at offset 4 into a SharedArray of length 5"));
    expect(() => a.set([5, 1.5], 0)).toThrow(/values\[1\] to be an integer/);
    expect(() => a.set([1], -1)).toThrow(TypeError);
    expect(() => a.set({} as never)).toThrow(TypeError);
    expect(a.toArray()).toEqual([1, 2, 3, 0, 9]);
    a.set(-1, 4);
    expect(a.get(4)).toBe(4);
    const text = new SharedArray("c", 5);
    text.set("hi", 3);
    expect(text.slice(3).join("")).toBe("hi");
  });

  it("slice and set take the lock: they wait while another thread holds it", async () => {
    const a = new SharedArray("i", 2, { lock: new Lock() });
    const held = new Int32Array(new SharedArrayBuffer(4));
    const holding = inWorker("holdLock", { array: a, held, ms: 100 });
    while (Atomics.load(held, 0) === 0) await Atomics.waitAsync(held, 0, 0, 1000).value;
    expect(a.slice()).toEqual([5, 6]); // read only after the holder wrote and released
    expect(await holding).toEqual([0, 0]);
    Atomics.store(held, 0, 0);
    const holdingAgain = inWorker("holdLock", { array: a, held, ms: 100 });
    while (Atomics.load(held, 0) === 0) await Atomics.waitAsync(held, 0, 0, 1000).value;
    a.set([7, 8]); // written only after the holder's snapshot and write
    expect(await holdingAgain).toEqual([5, 6]);
    expect(a.toArray()).toEqual([7, 8]);
    const unlocked = new SharedArray("i", 2, { lock: false });
    unlocked.set([1, 2]);
    expect(unlocked.slice()).toEqual([1, 2]);
  });

  it("describes itself", () => {
    expect(inspect(new SharedArray("i", [1, 2, 3]))).toMatch(/^<SharedArray int32\[3\] at 0x[0-9a-f]+ \[1, 2, 3\]>$/);
    expect(String(new SharedValue("q", 5n))).toMatch(/^<SharedValue bigint64 at 0x[0-9a-f]+ value=5n>$/);
  });
});

