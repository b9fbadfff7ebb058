import { checkOptionNames, KIND, SHAREABLE, type Block, type Shareable } from "@multiproc/core/internal";
import type { Lock, RLock } from "@multiproc/lock";
import {
  show,
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
import { checkElement, typeOf, zeroOf, type Typecode, type ValueOf } from "./typecodes.js";

/** Options of `new SharedValue(typecode, initial, options)`. */
export interface SharedValueOptions {
  /** The lock `getLock()` returns: a new RLock by default, none with `false`. */
  lock?: LockOption;
}

/**
 * One typed value in shared memory, as Python's `multiprocessing.Value`.
 * Reading or writing `.value` is one atomic step (for integer typecodes);
 * a read-modify-write needs the lock, or one of the atomic methods.
 *
 * @example
 * ```ts
 * const hits = new SharedValue("i", 0);
 * hits.getLock().withLockSync(() => { hits.value += 1; });
 * hits.add(1); // the same, atomically, without the lock
 * ```
 */
export class SharedValue<T extends Typecode = Typecode> implements Shareable {
  readonly #store: Store;

  constructor(typecode: T, initial?: ValueOf<T>, options: SharedValueOptions = {}) {
    const type = typeOf(typecode);
    const first = initial ?? zeroOf(type);
    checkElement(type, first, "`initial`");
    checkOptionNames(options, "SharedValue options", ["lock"]);
    checkLockOption(options?.lock);
    this.#store = openStore(this, KIND.SharedValue, type, 1, options.lock);
    if (!this.#store.revived) save(this.#store, 0, first, "`initial`");
  }

  /** The typecode's JS name ("int32", "float64", ...). */
  get typecode(): string {
    return this.#store.type.name;
  }

  /**
   * The value. A single read or write is atomic for integer typecodes; a read-modify-write (`v.value += 1`) needs `getLock()`.
   */
  get value(): ValueOf<T> {
    return load(this.#store, 0) as ValueOf<T>;
  }

  /** Writes the value to the shared memory (converted as the typecode stores it). */
  set value(value: ValueOf<T>) {
    save(this.#store, 0, value, "the value");
  }

  /**
   * The value object itself, without its lock (Python's `get_obj()`): its
   * `value` reads and writes the shared memory directly, as `.value` here
   * does (single reads and writes need no lock; a read-modify-write does).
   */
  getObj(): Pick<SharedValue<T>, "value"> {
    const store = this.#store;
    return {
      /** The value in the shared memory. */
      get value() {
        return load(store, 0) as ValueOf<T>;
      },
      /** Writes the value to the shared memory. */
      set value(value: ValueOf<T>) {
        save(store, 0, value, "the value");
      },
    };
  }

  /** The lock created with the value (ValueError when created with `lock: false`). */
  getLock(): Lock | RLock {
    return lockOf(this.#store, "SharedValue");
  }

  /** Adds `n` atomically (integer typecodes; wraps like the C type); returns the new value. */
  add(n: ValueOf<T>): ValueOf<T> {
    return atomicAdd(this.#store, 0, n) as ValueOf<T>;
  }

  /** Subtracts `n` atomically; returns the new value. */
  sub(n: ValueOf<T>): ValueOf<T> {
    return atomicSub(this.#store, 0, n) as ValueOf<T>;
  }

  /** Sets `value` atomically; returns the previous one. */
  exchange(value: ValueOf<T>): ValueOf<T> {
    return atomicExchange(this.#store, 0, value) as ValueOf<T>;
  }

  /** Sets `replacement` if the value is `expected`; returns the value found (=== expected on success). */
  compareExchange(expected: ValueOf<T>, replacement: ValueOf<T>): ValueOf<T> {
    return atomicCompareExchange(this.#store, 0, expected, replacement) as ValueOf<T>;
  }

  /** The shareable protocol: the block a copy of this object in another thread is revived from. */
  [SHAREABLE](): Block {
    return this.#store.block;
  }

  /** `<SharedValue int32 at 0x… value=5>`; the address is the same in every thread. */
  toString(): string {
    return `<SharedValue ${this.typecode} at 0x${this.#store.block.offset.toString(16)} value=${show(this.value)}>`;
  }

  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return this.toString();
  }
}
