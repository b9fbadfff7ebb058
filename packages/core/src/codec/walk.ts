import { isBoxedPrimitive } from "node:util/types";
import { isShareable, SHAREABLE, type Shareable } from "../handle/registry.js";

/**
 * What a handle looks like inside a value while it crosses threads. A plain
 * object survives both structured clone and v8 serialization; the key is one
 * no user data would use.
 */
export const HANDLE_KEY = "\u0000multiproc.handle";
export type HandleMark = { [HANDLE_KEY]: number };

/**
 * A typed array or DataView over part of a larger buffer (a Node Buffer from
 * its 8 KiB pool, a subarray): structured clone would send the whole buffer,
 * other data included. It travels as a copy of its own bytes instead, and
 * arrives on an ArrayBuffer of exactly its size (as a plain typed array:
 * a Buffer arrives as a Uint8Array, as it does through postMessage).
 */
export function isPartialView(value: object): value is ArrayBufferView {
  return ArrayBuffer.isView(value) && (value.byteOffset !== 0 || value.byteLength !== value.buffer.byteLength) && !(value.buffer instanceof SharedArrayBuffer);
}

function ownCopy(view: ArrayBufferView): ArrayBufferView {
  const bytes = (view.buffer as ArrayBuffer).slice(view.byteOffset, view.byteOffset + view.byteLength);
  if (view instanceof DataView) return new DataView(bytes);
  const tag = Object.prototype.toString.call(view).slice(8, -1); // "Uint8Array" for a Buffer too
  const ctor = (globalThis as unknown as Record<string, new (buffer: ArrayBuffer) => ArrayBufferView>)[tag]!;
  return new ctor(bytes);
}

/** Leaves that structured clone copies as they are and that hold no nested values. */
function isOpaqueLeaf(value: object): boolean {
  return (
    ArrayBuffer.isView(value) ||
    value instanceof ArrayBuffer ||
    value instanceof SharedArrayBuffer ||
    value instanceof Date ||
    value instanceof RegExp ||
    isBoxedPrimitive(value) // new String("ab") has keys "0" and "1", read-only: nothing to walk
  );
}

function childPath(path: string, key: string | number): string {
  if (typeof key === "number") return `${path}[${key}]`;
  return /^[A-Za-z_$][\w$]*$/.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`;
}

function unsendable(path: string, value: unknown): TypeError {
  const what =
    typeof value === "function"
      ? `a function${value.name ? ` (${value.name})` : ""}; functions travel only as tasks: task(new URL("./module.js", import.meta.url), "name")`
      : typeof value === "symbol"
        ? `a symbol (${value.toString()})`
        : `an object that cannot be cloned (${(value as object)?.constructor?.name ?? typeof value})`;
  return new TypeError(`Cannot send ${path}: it is ${what}`);
}

/**
 * Walks `value` as structured clone would (own enumerable string keys, Map and
 * Set entries, arrays and their extra properties) and throws a TypeError
 * naming the path of the first value that cannot be sent. Returns the
 * containers that lead to a shareable instance or a partial view (the ones
 * `replaceShareables` must copy), or null when there is none.
 */
export function scan(value: unknown, path: string, asBytes = false): Set<object> | null {
  const parents = new Map<object, object[]>();
  const holders: object[] = [];
  scanInner(value, path, undefined, parents, holders, asBytes);
  if (holders.length === 0) return null;
  // Everything from which a shareable can be reached must be copied; walking
  // the parent links up from each shareable finds exactly that, cycles included.
  const dirty = new Set<object>();
  const stack = [...holders];
  while (stack.length > 0) {
    const node = stack.pop()!;
    for (const parent of parents.get(node) ?? []) {
      if (!dirty.has(parent)) {
        dirty.add(parent);
        stack.push(parent);
      }
    }
  }
  return dirty;
}

/**
 * `asBytes`: the value will be serialized to bytes (a Queue item, a Pool
 * task), where v8 would silently copy shared memory; refuse it instead.
 */
function scanInner(value: unknown, path: string, parent: object | undefined, parents: Map<object, object[]>, holders: object[], asBytes: boolean): void {
  if (typeof value === "function" || typeof value === "symbol") throw unsendable(path, value);
  if (typeof value !== "object" || value === null) return;
  const known = parents.get(value);
  if (known) {
    if (parent) known.push(parent);
    return;
  }
  parents.set(value, parent ? [parent] : []);
  if (isShareable(value)) {
    holders.push(value);
    return;
  }
  if (asBytes && (value instanceof SharedArrayBuffer || (ArrayBuffer.isView(value) && value.buffer instanceof SharedArrayBuffer))) {
    throw new TypeError(
      `Cannot send ${path}: a SharedArrayBuffer cannot travel as bytes; use SharedMemory or SharedArray from @multiproc/shared-value, ` +
        `which arrive sharing their memory (this ${value.constructor.name} would arrive as a copy)`,
    );
  }
  if (isPartialView(value)) {
    holders.push(value);
    return;
  }
  if (isOpaqueLeaf(value)) return;
  if (value instanceof WeakMap || value instanceof WeakSet || value instanceof Promise || value instanceof WeakRef) {
    throw unsendable(path, value);
  }
  if (value instanceof Map) {
    let i = 0;
    for (const [k, v] of value) {
      scanInner(k, `${path}.<key ${i}>`, value, parents, holders, asBytes);
      scanInner(v, childPath(path, typeof k === "string" ? k : `<entry ${i}>`), value, parents, holders, asBytes);
      i++;
    }
  } else if (value instanceof Set) {
    let i = 0;
    for (const v of value) scanInner(v, `${path}.<item ${i++}>`, value, parents, holders, asBytes);
  } else if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) scanInner(value[i], childPath(path, i), value, parents, holders, asBytes);
    for (const key of extraKeys(value)) scanInner((value as unknown as Record<string, unknown>)[key], childPath(path, key), value, parents, holders, asBytes);
  } else {
    warnIfClassInstance(value, path);
    for (const key of Object.keys(value)) {
      scanInner((value as Record<string, unknown>)[key], childPath(path, key), value, parents, holders, asBytes);
    }
  }
}

const warnedClasses = new Set<unknown>();

/**
 * Structured clone sends an instance of a class as a plain object: its
 * prototype (methods, getters) and its #private fields stay behind, and
 * nothing says so. Python pickles instances whole, so a ported program would
 * misbehave in silence: a warning says it once per class.
 */
function warnIfClassInstance(value: object, path: string): void {
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto === Object.prototype || proto === null || value instanceof Error || warnedClasses.has(proto)) return;
  warnedClasses.add(proto);
  const name = (proto as { constructor?: { name?: string } }).constructor?.name || "an anonymous class";
  process.emitWarning(
    `${path} is an instance of ${name}: it arrives as a plain object, without its prototype (methods, getters) or #private fields, ` +
      "as structured clone sends it. Send plain data and rebuild the object on the other side, or make the class shareable.",
    { code: "MULTIPROC_PROTOTYPE_DROPPED" },
  );
}

const INDEX = /^(0|[1-9]\d*)$/;

/**
 * The own enumerable keys of an array that are not indices (structured clone
 * keeps them). Object.keys lists indices first, so there are none when the
 * last key is an index.
 */
function extraKeys(array: unknown[]): string[] {
  const keys = Object.keys(array);
  const last = keys[keys.length - 1];
  return last === undefined || INDEX.test(last) ? [] : keys.filter((key) => !INDEX.test(key));
}

/**
 * A copy of `value` in which every shareable is replaced by a mark holding
 * its index in `out`, and every partial view by a copy of its own bytes,
 * keeping shared references and cycles. Only the `dirty`
 * containers (from `scan`) are copied; everything else is passed as it is, so
 * v8 still sees (and refuses) host objects and keeps typed arrays intact.
 */
export function replaceShareables(value: unknown, dirty: ReadonlySet<object>, out: Shareable[]): unknown {
  const memo = new Map<object, unknown>();
  const counts = new Map<Shareable, number>();
  const visit = (v: unknown): unknown => {
    if (typeof v !== "object" || v === null) return v;
    if (isPartialView(v)) {
      if (!memo.has(v)) memo.set(v, ownCopy(v));
      return memo.get(v);
    }
    if (isShareable(v)) {
      let index = counts.get(v);
      if (index === undefined) {
        index = out.push(v) - 1;
        counts.set(v, index);
      }
      return { [HANDLE_KEY]: index } satisfies HandleMark;
    }
    if (!dirty.has(v)) return v;
    if (memo.has(v)) return memo.get(v);
    if (v instanceof Map) {
      const copy = new Map();
      memo.set(v, copy);
      for (const [k, x] of v) copy.set(visit(k), visit(x));
      return copy;
    }
    if (v instanceof Set) {
      const copy = new Set();
      memo.set(v, copy);
      for (const x of v) copy.add(visit(x));
      return copy;
    }
    if (Array.isArray(v)) {
      const copy: unknown[] = new Array(v.length);
      memo.set(v, copy);
      for (let i = 0; i < v.length; i++) if (i in v) copy[i] = visit(v[i]);
      for (const key of extraKeys(v)) (copy as unknown as Record<string, unknown>)[key] = visit((v as unknown as Record<string, unknown>)[key]);
      return copy;
    }
    const copy: Record<string, unknown> = {};
    memo.set(v, copy);
    for (const key of Object.keys(v)) copy[key] = visit((v as Record<string, unknown>)[key]);
    return copy;
  };
  return visit(value);
}

/** Replaces the marks in a freshly decoded value (which it owns) by `revived[index]`, in place. */
export function restoreShareables(value: unknown, revived: readonly object[]): unknown {
  const seen = new Set<object>();
  const visit = (v: unknown): unknown => {
    if (typeof v !== "object" || v === null) return v;
    if (Object.hasOwn(v, HANDLE_KEY) && Object.keys(v).length === 1) return revived[(v as HandleMark)[HANDLE_KEY]];
    if (seen.has(v) || isOpaqueLeaf(v)) return v;
    seen.add(v);
    if (v instanceof Map) {
      const entries = [...v];
      v.clear();
      for (const [k, x] of entries) v.set(visit(k), visit(x));
    } else if (v instanceof Set) {
      const items = [...v];
      v.clear();
      for (const x of items) v.add(visit(x));
    } else {
      const record = v as Record<string, unknown>;
      for (const key of Object.keys(record)) record[key] = visit(record[key]);
    }
    return v;
  };
  return visit(value);
}

export { SHAREABLE };
