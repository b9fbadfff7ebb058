import fc from "fast-check";
import { describe, expect, it, vi } from "vitest";
import { allocateBlock, decode, encode, fromMessage, releaseBlock, SHAREABLE, TAG, toMessage, UNDECODED } from "@multiproc/core/internal";
import { Counter, Pair, runFixture } from "@multiproc/test-utils";

const roundTrip = (value: unknown) => decode(encode(value));

describe("encode() / decode()", () => {
  it("round-trips every structured-cloneable kind of value (property)", () => {
    fc.assert(
      fc.property(
        fc.anything({
          withMap: true,
          withSet: true,
          withBigInt: true,
          withDate: true,
          withTypedArray: true,
          withSparseArray: true,
          withNullPrototype: false,
          withObjectString: false,
          withBoxedValues: false,
        }),
        (value) => {
          expect(roundTrip(value)).toEqual(value);
        },
      ),
      { numRuns: 500 },
    );
  });

  it("gives typed arrays inside a value memory of their own, not a view into the bytes decoded (which get reused)", () => {
    const shared = new Uint8Array(new SharedArrayBuffer(4096));
    const bytes = encode({ big: new Uint8Array(1000).fill(7), floats: new Float64Array([1.5, 2.5]) }, "v", (n) => shared.subarray(0, n));
    const value = decode(bytes) as { big: Uint8Array; floats: Float64Array };
    shared.fill(0); // the queue reuses the memory
    expect([value.big.length, value.big[999], value.big.buffer instanceof SharedArrayBuffer]).toEqual([1000, 7, false]);
    expect([...value.floats]).toEqual([1.5, 2.5]);
  });

  it("decodes a top-level Uint8Array, small or large, into a plain Uint8Array over an ArrayBuffer of exactly its bytes", () => {
    for (const length of [0, 5, 4095, 4096, 64 * 1024 + 3]) {
      const bytes = new Uint8Array(length).map((_, i) => (i * 7 + 1) & 0xff);
      const shared = new Uint8Array(new SharedArrayBuffer(length + 64));
      const back = decode(encode(bytes, "v", (n) => shared.subarray(0, n))) as Uint8Array;
      shared.fill(0); // the queue reuses the memory
      expect([back.constructor, back.byteOffset, back.buffer.byteLength, back.buffer instanceof SharedArrayBuffer]).toEqual([Uint8Array, 0, length, false]);
      expect(back).toEqual(bytes);
    }
  });

  it("gives every typed array, DataView and Buffer an ArrayBuffer of exactly its own bytes, none of anyone else's", () => {
    const pooled = Buffer.from("abc"); // a view into Node's 8 KiB pool, beside other Buffers' bytes
    const neighbour = Buffer.from("keep me");
    const whole = new Int16Array([1, 2, 3, 4]);
    const value = decode(encode({ pooled, sub: whole.subarray(1, 3), view: new DataView(whole.buffer, 2, 4), whole, again: whole })) as Record<"pooled" | "sub" | "view" | "whole" | "again", ArrayBufferView>;
    for (const key of ["pooled", "sub", "view", "whole"] as const) {
      const view = value[key];
      expect([key, view.byteOffset, view.buffer.byteLength]).toEqual([key, 0, view.byteLength]);
    }
    expect(value.pooled).toBeInstanceOf(Uint8Array); // as postMessage gives a Buffer
    expect(String.fromCharCode(...(value.pooled as Uint8Array))).toBe("abc");
    expect([...(value.sub as Int16Array)]).toEqual([2, 3]);
    expect((value.view as DataView).getInt16(0, true)).toBe(2);
    expect(value.again).toBe(value.whole); // shared references stay shared
    new Uint8Array(value.pooled.buffer).fill(0);
    expect(neighbour.toString()).toBe("keep me");
    // A bare partial view too (the top-level value, no container around it).
    const bare = decode(encode(whole.subarray(2))) as Int16Array;
    expect([bare.byteOffset, bare.buffer.byteLength, [...bare]]).toEqual([0, 4, [3, 4]]);
  });

  it("warns once per class that an instance arrives as a plain object, without its prototype or #private fields", () => {
    class Point {
      #secret = 1;
      x: number;
      constructor(x: number) {
        this.x = x;
      }
      norm() {
        return Math.abs(this.x) + this.#secret;
      }
    }
    const warnings: { message: string; code: string | undefined }[] = [];
    const spy = vi.spyOn(process, "emitWarning").mockImplementation(((message: string, options: { code?: string }) => {
      warnings.push({ message, code: options?.code });
    }) as never);
    try {
      expect(roundTrip({ a: new Point(2), b: [new Point(3)] })).toEqual({ a: { x: 2 }, b: [{ x: 3 }] });
      roundTrip(new Point(4));
      roundTrip({ plain: Object.create(null), error: new RangeError("kept as an error"), map: new Map() });
    } finally {
      spy.mockRestore();
    }
    expect(warnings).toEqual([
      {
        code: "MULTIPROC_PROTOTYPE_DROPPED",
        message: expect.stringMatching(/^value\.a is an instance of Point: it arrives as a plain object, without its prototype \(methods, getters\) or #private fields/),
      },
    ]);
  });

  it("keeps lone surrogates and a leading byte order mark in strings, as structured clone does", () => {
    for (const text of ["\ud800", "a\udc00b", "x".repeat(5000) + "\ud83d", "😀", "\ufeff", "\ufeffhello", "\ufeff".repeat(3000) + "x"]) {
      expect(roundTrip(text)).toBe(text);
      expect(roundTrip({ text })).toEqual({ text });
    }
  });

  it("keeps an array's extra own properties and its holes, also around shareables and partial views", () => {
    const plain = Object.assign([0, 1.5], { extra: 1 });
    expect(Object.entries(roundTrip(plain) as object)).toEqual([["0", 0], ["1", 1.5], ["extra", 1]]);
    const numbers = Object.assign([1, 2, 3], { label: "ints" });
    expect((roundTrip(numbers) as { label?: string }).label).toBe("ints");
    // eslint-disable-next-line no-sparse-arrays
    const holey = Object.assign([1, , 3], { view: Buffer.from("x") });
    const back = roundTrip(holey) as unknown[] & { view: Uint8Array };
    expect([back.length, 1 in back, back[2], back.view.byteOffset]).toEqual([3, false, 3, 0]);
  });

  it("sends arrays of numbers as typed bodies, exactly (-0, NaN, Infinity), aligned or not; anything else in them goes through v8", () => {
    const ints = [0, 1, -1, 2 ** 31 - 1, -(2 ** 31)];
    expect(encode(ints)[0]).toBe(TAG.INT32S);
    expect(encode(ints).byteLength).toBe(8 + 4 * ints.length);
    expect(roundTrip(ints)).toEqual(ints);
    const floats = [0.5, -0, NaN, Infinity, 2 ** 40];
    expect(encode(floats)[0]).toBe(TAG.FLOAT64S);
    expect(Object.is((roundTrip(floats) as number[])[1], -0)).toBe(true);
    expect(roundTrip(floats)).toEqual(floats);
    expect(roundTrip([])).toEqual([]);
    const odd = new Uint8Array(64);
    const bytes = encode(floats);
    odd.set(bytes, 3); // decoding from an unaligned view copies first
    expect(decode(odd.subarray(3, 3 + bytes.byteLength))).toEqual(floats);
    const unaligned = encode(ints, "v", (length) => new Uint8Array(length + 4).subarray(4)); // encoding into one too
    expect(decode(unaligned)).toEqual(ints);
    for (const other of [[1, "2"], [1, , 3], [1, 2n]]) {
      expect(encode(other)[0]).toBe(TAG.V8);
      expect(roundTrip(other)).toEqual(other);
    }
  });

  it("writes into the caller's buffer, and starts bulk bodies 8-aligned (fast copies to shared memory)", () => {
    const shared = new Uint8Array(new SharedArrayBuffer(256));
    const sizes: number[] = [];
    const into = (length: number) => {
      sizes.push(length);
      return shared.subarray(16, 16 + length);
    };
    const bytes = encode(new Uint8Array([1, 2, 3]), "v", into);
    expect(sizes).toEqual([8 + 3]);
    expect(bytes.buffer).toBe(shared.buffer);
    expect([...bytes.subarray(8)]).toEqual([1, 2, 3]);
    expect([...(decode(bytes) as Uint8Array)]).toEqual([1, 2, 3]);
    const object = encode({ a: [1, "x"] }, "v", into);
    expect(object[0]).toBe(TAG.V8);
    expect(decode(object)).toEqual({ a: [1, "x"] });
    const long = "lång ".repeat(2000); // over the short-string path: sized exactly
    const encodedLong = encode(long);
    expect(encodedLong.byteLength).toBe(1 + Buffer.byteLength(long));
    expect(decode(encodedLong)).toBe(long);
  });

  it("uses the small fast paths for common values", () => {
    expect(encode(42)[0]).toBe(TAG.INT32);
    expect(encode(-0)[0]).toBe(TAG.FLOAT64);
    expect(encode(2 ** 40)[0]).toBe(TAG.FLOAT64);
    expect(encode("héllo")[0]).toBe(TAG.STRING);
    expect(encode(new Uint8Array([1, 2]))[0]).toBe(TAG.BYTES);
    expect(encode({ a: 1 })[0]).toBe(TAG.V8);
    expect(encode(42).byteLength).toBe(5);
    for (const value of [0, -1, 2 ** 31 - 1, -(2 ** 31), -0, Number.NaN, Infinity, 1.5, "", "😀 ünï", true, false, null, undefined]) {
      expect(Object.is(roundTrip(value), value) || (Number.isNaN(value) && Number.isNaN(roundTrip(value)))).toBe(true);
    }
    const bytes = roundTrip(new Uint8Array([1, 2, 3])) as Uint8Array;
    expect(bytes).toBeInstanceOf(Uint8Array);
    expect([...bytes]).toEqual([1, 2, 3]);
  });

  it("decodes from a view over shared memory", () => {
    for (const value of ["text", { a: [1, "b"] }, 7.25]) {
      const encoded = encode(value);
      const shared = new Uint8Array(new SharedArrayBuffer(encoded.byteLength + 8), 8);
      shared.set(encoded);
      expect(decode(shared)).toEqual(value);
    }
  });

  it("throws a TypeError naming the path of a function, a symbol or a host object", () => {
    expect(() => encode({ a: { b: [1, () => 1] } }, "item")).toThrow(/Cannot send item\.a\.b\[1\]: it is a function/);
    expect(() => encode(new Map([["k", Symbol("s")]]), "item")).toThrow(/Cannot send item\.k: it is a symbol/);
    expect(() => encode({ "odd key": new WeakMap() })).toThrow(/Cannot send value\["odd key"\]/);
    expect(() => encode({ port: new MessageChannel().port1 })).toThrow(/Cannot send value\.port: .*MessagePort/);
    expect(() => encode({ raw: new SharedArrayBuffer(8) })).toThrow(/value\.raw: a SharedArrayBuffer cannot travel as bytes; use SharedMemory/);
    expect(() => encode({ cell: [new Int32Array(new SharedArrayBuffer(8))] })).toThrow(/value\.cell\[0\]: a SharedArrayBuffer cannot travel as bytes.*Int32Array would arrive as a copy/);
    expect(() => encode(Symbol("top"))).toThrow(TypeError);
  });

  it("rejects bytes that are not codec output", () => {
    expect(() => decode(Uint8Array.of(200))).toThrow(/not multiproc codec output/);
  });

  it("carries shareables at any depth, sharing state, and takes a reference per handle", () => {
    const counter = new Counter();
    const block = counter[SHAREABLE]();
    const value = { list: [1, { counter }], same: counter, set: new Set([counter]) };
    const encoded = encode(value);
    expect(block.arena.refcount(block.offset)).toBe(2);
    const decoded = decode(encoded) as typeof value;
    expect(decoded.list[1]).toEqual({ counter: expect.any(Counter) });
    const revived = (decoded.list[1] as { counter: Counter }).counter;
    expect(decoded.same).toBe(revived);
    expect([...decoded.set][0]).toBe(revived);
    revived.add(5);
    expect(counter.value).toBe(5);
    expect(block.arena.refcount(block.offset)).toBe(2);
  });

  it("keeps cycles and shared references around shareables", () => {
    const counter = new Counter();
    const node: Record<string, unknown> = { counter };
    node.self = node;
    const decoded = roundTrip(node) as typeof node;
    expect(decoded.self).toBe(decoded);
    expect(decoded.counter).toBeInstanceOf(Counter);
  });

  it("a handle that cannot be revived here fails the decode and lets go of the references it and the handles after it held", () => {
    const first = new Counter();
    const last = new Counter();
    const orphan = allocateBlock(4242, 8); // a custom kind nothing defines in this thread
    const blocks = [first[SHAREABLE](), orphan, last[SHAREABLE]()];
    const encoded = encode([first, { [SHAREABLE]: () => orphan }, last]);
    expect(blocks.map((b) => b.arena.refcount(b.offset))).toEqual([2, 2, 2]);
    expect(() => decode(encoded)).toThrow("Cannot revive a shareable of custom kind 4242 in this thread: its package is not loaded here. Import the module that defines it.");
    // The first was revived (its instance lets go when collected); the other two are back to their owners' one.
    expect(blocks.map((b) => b.arena.refcount(b.offset))).toEqual([2, 1, 1]);
    releaseBlock(orphan.arena, orphan.offset);
  });

  it("the error of a decode that cannot revive a handle carries the rest of the value (UNDECODED), for a reader of replies to tell whose reply it was", () => {
    const orphan = allocateBlock(4242, 8);
    const encoded = encode([17, "ok", { held: { [SHAREABLE]: () => orphan } }]);
    let thrown: unknown;
    try {
      decode(encoded);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(Error);
    const rest = (thrown as Record<symbol, unknown>)[UNDECODED] as unknown[];
    expect(rest.slice(0, 2)).toEqual([17, "ok"]);
    expect(Object.keys(thrown as object)).not.toContain(UNDECODED.toString()); // not enumerable: it does not travel with the error
    releaseBlock(orphan.arena, orphan.offset);
  });

  it("takes no reference when the encode fails", () => {
    const counter = new Counter();
    const block = counter[SHAREABLE]();
    expect(() => encode({ counter, bad: () => 0 })).toThrow(TypeError);
    expect(() => encode({ counter, port: new MessageChannel().port1 })).toThrow(TypeError);
    expect(block.arena.refcount(block.offset)).toBe(1);
  });
});

describe("toMessage() / fromMessage()", () => {
  it("leaves values without shareables as they are", () => {
    const value = { a: [1, 2] };
    expect(toMessage(value)).toEqual({ value });
    expect(fromMessage(toMessage(value))).toBe(value);
  });

  it("copies partial views to buffers of their own and leaves boxed primitives whole, beside shareables", () => {
    const counter = new Counter();
    const value = { counter, boxed: [new String("ab"), new Number(-0), Object(2n)], view: Buffer.from("xyz").subarray(1) };
    const back = fromMessage(structuredClone(toMessage(value))) as typeof value;
    expect(back.boxed).toEqual(value.boxed);
    expect([back.view.byteOffset, back.view.buffer.byteLength, new TextDecoder().decode(back.view)]).toEqual([0, 2, "yz"]);
    back.counter.add(2);
    expect(counter.value).toBe(2);
  });

  it("names the path of an unsendable part", () => {
    expect(() => toMessage([1, { f: Math.max }], "args")).toThrow(/Cannot send args\[1\]\.f: it is a function \(max\)/);
    expect(() => toMessage(() => 1, "target")).toThrow(/Cannot send target: it is a function/);
  });

  it("rebuilds a composite shareable with the references it holds", () => {
    const pair = new Pair(new Counter(), new Counter());
    const revived = fromMessage(structuredClone(toMessage({ pair }))) as { pair: Pair };
    revived.pair.right.add(3);
    expect(pair.right.value).toBe(3);
  });
});

describe("shareables across threads", () => {
  it("arrive working through messages and bytes, and come back", async () => {
    const counter = new Counter();
    const pair = new Pair(new Counter(), new Counter());
    const viaBytes = new Counter();
    const message = toMessage({ deep: { list: [7, { counter }] }, pair });
    const bytes = encode({ map: new Map([["k", viaBytes]]) });
    const { echo } = await runFixture(new URL("../__fixtures__/shareables.mjs", import.meta.url), { message, bytes });
    expect(counter.value).toBe(10);
    expect(pair.left.value).toBe(100);
    expect(viaBytes.value).toBe(1000);
    const back = decode(echo) as { again: Counter; n: number };
    back.again.add(1);
    expect(viaBytes.value).toBe(1001);
    expect(back.n).toBe(7);
  });
});

describe("discardEncoded()", () => {
  it("drops the reference each handle in the bytes holds", async () => {
    const { discardEncoded } = await import("@multiproc/core/internal");
    const counter = new Counter();
    const block = counter[SHAREABLE]();
    const bytes = encode([counter, counter, { again: counter }]);
    expect(block.arena.refcount(block.offset)).toBe(2);
    discardEncoded(bytes);
    expect(block.arena.refcount(block.offset)).toBe(1);
    discardEncoded(encode(5));
  });
});
