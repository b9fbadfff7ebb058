import {
  claimBlock,
  describe,
  dropStoredBlock,
  KIND,
  reviveStoredBlock,
  SHAREABLE,
  storeBlock,
  ValueError,
  type Block,
} from "@multiproc/core/internal";
import { Lock, RLock } from "@multiproc/lock";
import { DATA_BYTE, HEADER_WORDS, LENGTH, LOCK_KIND, LOCK_REF, TYPE_ID } from "./layout.js";
import { checkAtomic, checkElement, fromStored, typeById, typeOf, type TypedArray, type TypeInfo } from "./typecodes.js";

/** The lock option of SharedValue and SharedArray: a new RLock by default. */
export type LockOption = boolean | Lock | RLock | undefined;

/** What SharedValue and SharedArray keep: typed elements in a block, and their lock. */
export interface Store {
  readonly block: Block;
  readonly type: TypeInfo;
  readonly data: TypedArray;
  readonly lock: Lock | RLock | undefined;
  /** Opened from a handle: its elements are already there. */
  readonly revived: boolean;
}

export function checkLockOption(lock: unknown): void {
  if (lock !== undefined && typeof lock !== "boolean" && !(lock instanceof Lock) && !(lock instanceof RLock)) {
    throw new TypeError(`Expected \`lock\` to be true, false, a Lock or an RLock, got ${describe(lock)}`);
  }
}

/**
 * Claims the block of `owner` (new, or being revived) and reads or writes its
 * header. Arguments are checked by the caller before, so a bad call allocates nothing.
 */
export function openStore(owner: object, kind: number, type: TypeInfo, length: number, lockOption: LockOption): Store {
  const { block, revived } = claimBlock(owner, kind, DATA_BYTE + length * type.bytes);
  const header = block.int32(0, HEADER_WORDS);
  let lock: Lock | RLock | undefined;
  if (revived) {
    type = typeById(header[TYPE_ID]!);
    length = header[LENGTH]!;
    lock = header[LOCK_KIND] ? (reviveStoredBlock(header, LOCK_REF, header[LOCK_KIND]) as Lock | RLock) : undefined;
  } else {
    lock = lockOption === false ? undefined : lockOption === true || lockOption === undefined ? new RLock() : lockOption;
    header[TYPE_ID] = type.id;
    header[LENGTH] = length;
    if (lock) {
      storeBlock(header, LOCK_REF, lock[SHAREABLE]());
      header[LOCK_KIND] = lock instanceof Lock ? KIND.Lock : KIND.RLock;
    }
  }
  return { block, type, lock, revived, data: type.view(block.arena.buffer, block.payloadOffset + DATA_BYTE, length) };
}

export function disposeStore(block: Block): void {
  const header = block.int32(0, HEADER_WORDS);
  if (header[LOCK_KIND]) dropStoredBlock(header, LOCK_REF);
}

export function lockOf(store: Store, what: string): Lock | RLock {
  if (!store.lock) throw new ValueError(`This ${what} was created with lock: false, so it has no lock`);
  return store.lock;
}

/** The element at `index`: an atomic load for integer types (never torn), a plain read for floats and chars. */
export function load(store: Store, index: number): number | bigint | string {
  return fromStored(store.type, store.type.integer ? Atomics.load(store.data as Int32Array, index) : store.data[index]!);
}

export function save(store: Store, index: number, value: unknown, where: string): void {
  const checked = checkElement(store.type, value, where);
  if (store.type.integer) Atomics.store(store.data as Int32Array, index, checked as number);
  else store.data[index] = checked as number;
}

/** An amount for add/sub: the element's kind of number, an integer; it wraps as the C type does. */
function checkAmount(store: Store, n: unknown): number | bigint {
  checkAtomic(store.type);
  if (store.type.bigint ? typeof n !== "bigint" : typeof n !== "number" || !Number.isInteger(n)) {
    throw new TypeError(`Expected \`n\` to be ${store.type.bigint ? "a bigint" : "an integer"} for typecode ${store.type.name}, got ${describe(n)}`);
  }
  return n as number | bigint;
}

// The atomic operations, on integer typecodes only.
type IntView = Int32Array;

/** Adds `n` (negative to subtract); returns the new value, wrapped as the C type wraps. */
export function atomicAdd(store: Store, index: number, n: unknown): number | bigint {
  const amount = checkAmount(store, n);
  const before = Atomics.add(store.data as IntView, index, amount as number);
  return store.type.wrap((before as number) + (amount as number));
}

export function atomicSub(store: Store, index: number, n: unknown): number | bigint {
  const amount = checkAmount(store, n);
  const before = Atomics.sub(store.data as IntView, index, amount as number);
  return store.type.wrap((before as number) - (amount as number));
}

export function atomicExchange(store: Store, index: number, value: unknown): number | bigint {
  checkAtomic(store.type);
  return Atomics.exchange(store.data as IntView, index, checkElement(store.type, value, "the value") as number);
}

export function atomicCompareExchange(store: Store, index: number, expected: unknown, replacement: unknown): number | bigint {
  checkAtomic(store.type);
  const e = checkElement(store.type, expected, "`expected`") as number;
  const r = checkElement(store.type, replacement, "`replacement`") as number;
  return Atomics.compareExchange(store.data as IntView, index, e, r);
}

/** An element as descriptions show it: chars quoted, bigints with their n. */
export function show(value: number | bigint | string): string {
  return typeof value === "string" ? JSON.stringify(value) : typeof value === "bigint" ? `${value}n` : String(value);
}

/** Runs `fn` holding the store's lock, if it has one (slices and slice assignment, as Python's synchronized arrays). */
export function withStoreLock<R>(store: Store, fn: () => R): R {
  return store.lock ? store.lock.withLockSync(fn) : fn();
}

export { typeOf };
