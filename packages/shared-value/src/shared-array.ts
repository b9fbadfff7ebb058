import { describe, KIND, SHAREABLE, ValueError, type Block, type Shareable } from "@multiproc/core";
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
  type LockOption,
  type Store,
} from "./store.js";
import { checkElement, typeOf, type TypedArray, type Typecode, type ValueOf } from "./typecodes.js";

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
    checkLockOption(options?.lock);
    this.#store = openStore(this, KIND.SharedArray, type, length, options.lock);
    if (initial && !this.#store.revived) initial.forEach((value, i) => save(this.#store, i, value, `element ${i}`));
  }

  get length(): number {
    return this.#store.data.length;
  }

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

  set(index: number, value: ValueOf<T>): void {
    save(this.#store, this.#index(index), value, `element ${index}`);
  }

  /** A plain array copy of the elements. */
  toArray(): ValueOf<T>[] {
    return Array.from({ length: this.length }, (_, i) => load(this.#store, i) as ValueOf<T>);
  }

  *[Symbol.iterator](): Iterator<ValueOf<T>> {
    for (let i = 0; i < this.length; i++) yield load(this.#store, i) as ValueOf<T>;
  }

  getLock(): Lock | RLock {
    return lockOf(this.#store, "SharedArray");
  }

  /** Adds `n` to element `index` atomically (integer typecodes); returns its new value. */
  add(index: number, n: ValueOf<T>): ValueOf<T> {
    return atomicAdd(this.#store, this.#index(index), n) as ValueOf<T>;
  }

  sub(index: number, n: ValueOf<T>): ValueOf<T> {
    return atomicSub(this.#store, this.#index(index), n) as ValueOf<T>;
  }

  exchange(index: number, value: ValueOf<T>): ValueOf<T> {
    return atomicExchange(this.#store, this.#index(index), value) as ValueOf<T>;
  }

  compareExchange(index: number, expected: ValueOf<T>, replacement: ValueOf<T>): ValueOf<T> {
    return atomicCompareExchange(this.#store, this.#index(index), expected, replacement) as ValueOf<T>;
  }

  [SHAREABLE](): Block {
    return this.#store.block;
  }

  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return `SharedArray<${this.typecode}>(${this.length}) [${this.toArray().slice(0, 10).map(String).join(", ")}${this.length > 10 ? ", …" : ""}]`;
  }

  #index(index: number): number {
    const length = this.length;
    if (typeof index !== "number" || !Number.isInteger(index)) throw new TypeError(`Expected an integer index, got ${describe(index)}`);
    if (index < -length || index >= length) throw new RangeError(`Index ${index} is out of range for a SharedArray of length ${length}`);
    return index < 0 ? length + index : index;
  }
}
