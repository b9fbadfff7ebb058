import { checkOptionNames, describe, KIND, SHAREABLE, ValueError, type Block, type Shareable } from "@multiproc/core/internal";
import type { Lock, RLock } from "@multiproc/lock";
import {
  atomicAdd,
  atomicCompareExchange,
  atomicExchange,
  atomicSub,
  checkLockOption,
  load,
  lockOf,
  openStore,
  save,
  show,
  withStoreLock,
  type LockOption,
  type Store,
} from "./store.js";
import { checkElement, typeOf, type TypedArray, type Typecode, type ValueOf } from "./typecodes.js";

/** Options of `new SharedArray(typecode, sizeOrInitial, options)`. */
export interface SharedArrayOptions {
  /** The lock `getLock()` returns: a new RLock by default, none with `false`. */
  lock?: LockOption;
}

/**
 * A fixed-length typed array in shared memory, as Python's
 * `multiprocessing.Array`. Elements are read and written one atomic step at
 * a time (integer typecodes); `raw` is the typed array itself.
 *
 * @example
 * ```ts
 * const squares = new SharedArray("d", 8);
 * // in workers: squares.set(i, i * i)
 * console.log(squares.toArray());
 * ```
 */
export class SharedArray<T extends Typecode = Typecode> implements Shareable, Iterable<ValueOf<T>> {
  readonly #store: Store;

  /** @param sizeOrInitial the length (zero-filled), or the initial elements. */
  constructor(typecode: T, sizeOrInitial: number | Iterable<ValueOf<T>>, options: SharedArrayOptions = {}) {
    const type = typeOf(typecode);
    let initial: unknown[] | undefined;
    let length: number;
    if (typeof sizeOrInitial === "number") {
      if (!Number.isInteger(sizeOrInitial)) throw new TypeError(`Expected the size to be an integer, got ${sizeOrInitial}`);
      if (sizeOrInitial < 0) throw new ValueError(`Expected the size to be >= 0, got ${sizeOrInitial}`);
      length = sizeOrInitial;
    } else if (sizeOrInitial !== null && typeof (sizeOrInitial as Iterable<unknown>)?.[Symbol.iterator] === "function") {
      initial = [...(sizeOrInitial as Iterable<unknown>)];
      initial.forEach((value, i) => checkElement(type, value, `element ${i}`));
      length = initial.length;
    } else {
      throw new TypeError(`Expected a size or an iterable of initial elements, got ${describe(sizeOrInitial)}`);
    }
    checkOptionNames(options, "SharedArray options", ["lock"]);
    checkLockOption(options?.lock);
    this.#store = openStore(this, KIND.SharedArray, type, length, options.lock);
    if (initial && !this.#store.revived) initial.forEach((value, i) => save(this.#store, i, value, `element ${i}`));
  }

  /** The number of elements (fixed at construction). */
  get length(): number {
    return this.#store.data.length;
  }

  /** The typecode's JS name ("int32", "float64", ...). */
  get typecode(): string {
    return this.#store.type.name;
  }

  /** The typed array over the shared memory itself (Int32Array, Float64Array, ...). */
  get raw(): TypedArray {
    return this.#store.data;
  }

  /** The element at `index` (negative counts from the end); RangeError outside the array. */
  get(index: number): ValueOf<T> {
    return load(this.#store, this.#index(index)) as ValueOf<T>;
  }

  /**
   * `set(index, value)` writes one element (negative counts from the end).
   * `set(values, offset = 0)` writes `values` from `offset` on, holding the
   * lock (Python's slice assignment `a[offset:offset + n] = values`): every
   * value is checked first, so a bad one changes nothing; RangeError if they
   * do not fit.
   */
  set(index: number, value: ValueOf<T>): void;
  set(values: Iterable<ValueOf<T>> | ArrayLike<ValueOf<T>>, offset?: number): void;
  set(first: number | Iterable<ValueOf<T>> | ArrayLike<ValueOf<T>>, second?: ValueOf<T> | number): void {
    if (typeof first === "number") {
      save(this.#store, this.#index(first), second, `element ${first}`);
      return;
    }
    const values = toList(first);
    const offset = second ?? 0;
    if (typeof offset !== "number" || !Number.isInteger(offset) || offset < 0) throw new TypeError(`Expected \`offset\` to be a non-negative integer, got ${describe(offset)}`);
    if (offset + values.length > this.length) {
      throw new RangeError(`Cannot write ${values.length} elements at offset ${offset} into a SharedArray of length ${this.length}`);
    }
    values.forEach((value, i) => checkElement(this.#store.type, value, `values[${i}]`));
    withStoreLock(this.#store, () => values.forEach((value, i) => save(this.#store, offset + i, value, `values[${i}]`)));
  }

  /**
   * A plain array copy of the elements from `start` to `end` (exclusive;
   * negative counts from the end, as in Python's `a[start:end]` and JS's
   * slice), read holding the lock.
   */
  slice(start?: number, end?: number): ValueOf<T>[] {
    const length = this.length;
    const from = sliceIndex(start ?? 0, length, "start");
    const to = sliceIndex(end ?? length, length, "end");
    return withStoreLock(this.#store, () => Array.from({ length: Math.max(0, to - from) }, (_, i) => load(this.#store, from + i) as ValueOf<T>));
  }

  /** A plain array copy of the elements. */
  toArray(): ValueOf<T>[] {
    return Array.from({ length: this.length }, (_, i) => load(this.#store, i) as ValueOf<T>);
  }

  /** The typed array over the shared memory, without the lock (Python's `get_obj()`); the same as `raw`. */
  getObj(): TypedArray {
    return this.#store.data;
  }

  /** Yields each element, read when reached (other threads may change the later ones meanwhile). */
  *[Symbol.iterator](): Iterator<ValueOf<T>> {
    for (let i = 0; i < this.length; i++) yield load(this.#store, i) as ValueOf<T>;
  }

  /** The lock created with the array (ValueError when created with `lock: false`). */
  getLock(): Lock | RLock {
    return lockOf(this.#store, "SharedArray");
  }

  /** Adds `n` to element `index` atomically (integer typecodes); returns its new value. */
  add(index: number, n: ValueOf<T>): ValueOf<T> {
    return atomicAdd(this.#store, this.#index(index), n) as ValueOf<T>;
  }

  /** Subtracts `n` from element `index` atomically (integer typecodes); returns its new value. */
  sub(index: number, n: ValueOf<T>): ValueOf<T> {
    return atomicSub(this.#store, this.#index(index), n) as ValueOf<T>;
  }

  /** Stores `value` at `index` atomically (integer typecodes); returns the old value. */
  exchange(index: number, value: ValueOf<T>): ValueOf<T> {
    return atomicExchange(this.#store, this.#index(index), value) as ValueOf<T>;
  }

  /**
   * Stores `replacement` at `index` if it holds `expected`, atomically (integer typecodes); returns the old value either way.
   */
  compareExchange(index: number, expected: ValueOf<T>, replacement: ValueOf<T>): ValueOf<T> {
    return atomicCompareExchange(this.#store, this.#index(index), expected, replacement) as ValueOf<T>;
  }

  /** The shareable protocol: the block a copy of this object in another thread is revived from. */
  [SHAREABLE](): Block {
    return this.#store.block;
  }

  /** `<SharedArray int32[3] at 0x… [1, 2, 3]>` (the first 10 elements); the address is the same in every thread. */
  toString(): string {
    const shown = this.toArray().slice(0, 10).map((v) => show(v as number | bigint | string));
    return `<SharedArray ${this.typecode}[${this.length}] at 0x${this.#store.block.offset.toString(16)} [${shown.join(", ")}${this.length > 10 ? ", …" : ""}]>`;
  }

  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return this.toString();
  }

  #index(index: number): number {
    const length = this.length;
    if (typeof index !== "number" || !Number.isInteger(index)) throw new TypeError(`Expected an integer index, got ${describe(index)}`);
    if (index < -length || index >= length) throw new RangeError(`Index ${index} is out of range for a SharedArray of length ${length}`);
    return index < 0 ? length + index : index;
  }
}

/** An iterable or array-like as an array. */
function toList<V>(values: Iterable<V> | ArrayLike<V>): V[] {
  if (typeof values === "string") return Array.from(values) as V[];
  if (values !== null && typeof values === "object" && (Symbol.iterator in values || "length" in values)) return Array.from(values as ArrayLike<V>);
  throw new TypeError(`Expected an index or an iterable of values, got ${describe(values)}`);
}

/** A slice bound: negative counts from the end; clamped to [0, length]. */
function sliceIndex(value: unknown, length: number, what: string): number {
  if (typeof value !== "number" || !Number.isInteger(value)) throw new TypeError(`Expected \`${what}\` to be an integer, got ${describe(value)}`);
  return value < 0 ? Math.max(0, length + value) : Math.min(value, length);
}
