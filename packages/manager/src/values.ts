import { describe, ValueError } from "@multiproc/core/internal";

/** What may key a managed dict: a primitive (Python needs a hashable key; a copied object would never find its entry again). */
export type DictKey = string | number | bigint | boolean | null | undefined;

export function checkKey(key: unknown): DictKey {
  if (key === null || (typeof key !== "object" && typeof key !== "function" && typeof key !== "symbol")) return key as DictKey;
  throw new TypeError(
    `Expected a dict key to be a string, number, bigint, boolean, null or undefined, got ${describe(key)}: keys arrive as copies, so an object key could never be found again (join a tuple into a string)`,
  );
}

/** Python's `==` on values that crossed as copies: by value, arrays and plain objects deeply. */
export function equal(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== typeof b || typeof a !== "object" || a === null || b === null) return false;
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((x, i) => equal(x, b[i]));
  if (ArrayBuffer.isView(a)) return ArrayBuffer.isView(b) && a.byteLength === b.byteLength && Buffer.compare(bytes(a), bytes(b)) === 0;
  if (a instanceof Map) return b instanceof Map && a.size === b.size && [...a].every(([k, v]) => b.has(k) && equal(v, b.get(k)));
  if (a instanceof Set) return b instanceof Set && a.size === b.size && [...a].every((k) => b.has(k));
  if (a instanceof Date) return b instanceof Date && a.getTime() === b.getTime();
  const ka = Object.keys(a);
  const kb = Object.keys(b as object);
  return ka.length === kb.length && ka.every((k) => Object.hasOwn(b as object, k) && equal((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

function bytes(view: ArrayBufferView): Uint8Array {
  return new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
}

const rank = (v: unknown) => (typeof v === "number" || typeof v === "bigint" || typeof v === "boolean" ? "number" : typeof v === "string" ? "string" : Array.isArray(v) ? "array" : undefined);

/**
 * Python's ordering for `sort()`: numbers (and bigints, booleans) by value,
 * strings by code point, arrays element by element; anything else, or two
 * kinds that Python cannot compare, is a TypeError.
 */
export function compare(a: unknown, b: unknown): number {
  const ra = rank(a);
  const rb = rank(b);
  if (ra === undefined || ra !== rb) throw new TypeError(`'<' is not supported between ${describe(a)} and ${describe(b)}`);
  if (ra === "array") {
    const x = a as unknown[];
    const y = b as unknown[];
    for (let i = 0; i < Math.min(x.length, y.length); i++) {
      const c = compare(x[i], y[i]);
      if (c !== 0) return c;
    }
    return x.length - y.length;
  }
  if (ra === "string") return compareCodePoints(a as string, b as string);
  const x = typeof a === "boolean" ? Number(a) : (a as number | bigint);
  const y = typeof b === "boolean" ? Number(b) : (b as number | bigint);
  return x < y ? -1 : x > y ? 1 : 0;
}

/**
 * Strings in code point order, as Python compares them. JavaScript's `<`
 * compares UTF-16 code units, which puts "\u{1F600}" (units D83D DE00)
 * before "\uFFFD". Only the first unit that differs matters: a surrogate
 * there stands for a code point above U+FFFF, so it must rank above every
 * unit from U+E000 up (shift those down by 0x800, surrogates up by 0x2000:
 * both then keep their own order).
 */
function compareCodePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return codePointRank(x) - codePointRank(y);
  }
  return a.length - b.length;
}

const codePointRank = (unit: number) => (unit < 0xd800 ? unit : unit >= 0xe000 ? unit - 0x800 : unit + 0x2000);

/** An integer argument, as Python's index arguments. */
export function checkInteger(value: unknown, what: string): number {
  if (typeof value !== "number" || !Number.isInteger(value)) throw new TypeError(`Expected \`${what}\` to be an integer, got ${describe(value)}`);
  return value;
}

/** A list index that must exist (negative counts from the end): RangeError outside, as Python's IndexError. */
export function checkIndex(index: unknown, length: number, what = "index"): number {
  const i = checkInteger(index, what);
  if (i < -length || i >= length) throw new RangeError(`List index ${i} is out of range for a list of length ${length}`);
  return i < 0 ? length + i : i;
}

/** A slice bound, clamped as Python's (negative counts from the end). */
export function sliceBound(value: unknown, length: number, fallback: number, what: string): number {
  if (value === undefined || value === null) return fallback;
  const i = checkInteger(value, what);
  return i < 0 ? Math.max(0, length + i) : Math.min(i, length);
}

export { ValueError };
