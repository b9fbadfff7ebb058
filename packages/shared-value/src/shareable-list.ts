import { claimBlock, describe, KIND, SHAREABLE, unbindBlock, ValueError, type Block, type Shareable } from "@multiproc/core/internal";

/** What a ShareableList item may be: Python's int, float, bool, str, bytes and None. */
export type ShareableItem = number | bigint | boolean | string | Uint8Array | null;

/*
 * Block payload (all little-endian words):
 *
 *   word 0            LENGTH: number of items
 *   words 4 + 4i ..   item i: TYPE, OFFSET (bytes from the data area), CAPACITY (bytes), SIZE (bytes used: str, bytes)
 *   data area         from byte align8(16 + 16 * LENGTH); each item's slot is CAPACITY bytes
 *
 * A slot holds 8 bytes (a number, bigint or bool), or a str/bytes value sized
 * as Python sizes it: its length rounded up to the next multiple of 8 (a
 * multiple of 8 gets 8 more). A slot keeps its size for life, so a str or
 * bytes value may not grow past it; any value that fits may replace any
 * other, type included, as in Python.
 */
const LENGTH = 0;
const DESCRIPTOR_WORD = 4;
const WORDS_PER_ITEM = 4;
const TYPE = 0;
const OFFSET = 1;
const CAPACITY = 2;
const SIZE = 3;
const align8 = (n: number) => (n + 7) & ~7;

const T_NULL = 0;
const T_BOOL = 1;
const T_INT = 2;
const T_FLOAT = 3;
const T_STR = 4;
const T_BYTES = 5;
const T_BIGINT = 6;

/** Python's struct format letters, for `format`. */
const FORMAT = ["x", "?", "q", "d", "s", "s", "q"];

const encoder = new TextEncoder();
const decoder = new TextDecoder("utf-8", { ignoreBOM: true }); // a str item keeps a leading U+FEFF, as in Python

interface Encoded {
  type: number;
  bytes?: Uint8Array;
  number?: number;
  bigint?: bigint;
}

function encodeItem(value: unknown, what: string): Encoded {
  if (value === null) return { type: T_NULL };
  if (typeof value === "boolean") return { type: T_BOOL, number: value ? 1 : 0 };
  if (typeof value === "number") {
    // -0 and non-integers are floats; integers beyond 2^53 are too (a number cannot hold them exactly anyway).
    return Number.isSafeInteger(value) && !Object.is(value, -0) ? { type: T_INT, number: value } : { type: T_FLOAT, number: value };
  }
  if (typeof value === "bigint") {
    if (value < -(2n ** 63n) || value >= 2n ** 63n) throw new RangeError(`${what} (${value}n) is out of the int64 range a ShareableList stores`);
    return { type: T_BIGINT, bigint: value };
  }
  if (typeof value === "string") return { type: T_STR, bytes: encoder.encode(value) };
  if (value instanceof Uint8Array) return { type: T_BYTES, bytes: value };
  throw new TypeError(`Expected ${what} to be a number, bigint, boolean, string, Uint8Array or null (as Python's int, float, bool, str, bytes, None), got ${describe(value)}`);
}

/** The slot size Python gives a value when the list is made: 8, or a str/bytes length rounded up past the next multiple of 8. */
function slotFor(item: Encoded): number {
  return item.bytes ? item.bytes.byteLength + (8 - (item.bytes.byteLength % 8)) : 8;
}

/**
 * A fixed-length list of numbers, bigints, booleans, strings, bytes
 * (Uint8Array) and nulls in shared memory, as Python's
 * `multiprocessing.shared_memory.ShareableList`. Pass it to a Process, a Pool
 * task or through a Queue: every thread reads and writes the same items.
 * A string or bytes item may be replaced only by one that fits the room it
 * was created with (ValueError, as in Python); items are not locked, so
 * guard a read-modify-write, or writers of the same item, with a Lock.
 *
 * @example
 * ```ts
 * const sl = new ShareableList(["howdy", 3, 2.5, true, null]);
 * // in a worker: sl.set(1, sl.get(1) as number + 1)
 * console.log(sl.toArray(), sl.format); // [ 'howdy', 4, 2.5, true, null ] 8sqd?x
 * ```
 */
export class ShareableList implements Shareable, Iterable<ShareableItem> {
  readonly #block: Block;
  readonly #words: Int32Array;
  readonly #data: DataView;
  readonly #bytes: Uint8Array;
  readonly #length: number;
  #closed = false;

  /** @param sequence the items, fixed in number from now on (each a number, bigint, boolean, string, Uint8Array or null). */
  constructor(sequence: Iterable<ShareableItem> = []) {
    if (sequence === null || typeof (sequence as Iterable<unknown>)?.[Symbol.iterator] !== "function" || typeof sequence === "string") {
      throw new TypeError(`Expected an iterable of items (an array, say), got ${describe(sequence)}`);
    }
    const items = [...sequence].map((value, i) => encodeItem(value, `item ${i}`));
    const dataStart = align8((DESCRIPTOR_WORD + WORDS_PER_ITEM * items.length) * 4);
    const slots = items.map(slotFor);
    const { block, revived } = claimBlock(this, KIND.ShareableList, dataStart + slots.reduce((a, b) => a + b, 0));
    this.#block = block;
    const length = revived ? block.int32(0, 1)[LENGTH]! : items.length;
    this.#words = block.int32(0, DESCRIPTOR_WORD + WORDS_PER_ITEM * length);
    const start = align8((DESCRIPTOR_WORD + WORDS_PER_ITEM * length) * 4);
    const dataBytes = block.payloadBytes - start;
    this.#data = new DataView(block.arena.buffer, block.payloadOffset + start, dataBytes);
    this.#bytes = new Uint8Array(block.arena.buffer, block.payloadOffset + start, dataBytes);
    this.#length = length;
    if (revived) return;
    this.#words[LENGTH] = length;
    let offset = 0;
    items.forEach((item, i) => {
      const d = DESCRIPTOR_WORD + WORDS_PER_ITEM * i;
      this.#words[d + OFFSET] = offset;
      this.#words[d + CAPACITY] = slots[i]!;
      offset += slots[i]!;
      this.#write(i, item);
    });
  }

  /** The number of items (fixed at construction). */
  get length(): number {
    return this.#length;
  }

  /** Python's `format`: the struct format of the items now, such as `"8sqd?x"`. */
  get format(): string {
    let format = "";
    for (let i = 0; i < this.#length; i++) {
      const type = this.#descriptor(i)[TYPE]!;
      format += type === T_STR || type === T_BYTES ? `${this.#descriptor(i)[CAPACITY]}s` : FORMAT[type];
    }
    return format;
  }

  /** The item at `index` (negative counts from the end); RangeError outside the list. */
  get(index: number): ShareableItem {
    const i = this.#index(index);
    const d = this.#descriptor(i);
    const at = d[OFFSET]!;
    switch (d[TYPE]) {
      case T_NULL:
        return null;
      case T_BOOL:
        return this.#data.getUint8(at) !== 0;
      case T_INT:
      case T_FLOAT:
        return this.#data.getFloat64(at, true);
      case T_BIGINT:
        return this.#data.getBigInt64(at, true);
      case T_STR:
        // TextDecoder refuses views of shared memory: decode a private copy.
        return decoder.decode(this.#bytes.slice(at, at + d[SIZE]!));
      default:
        return this.#bytes.slice(at, at + d[SIZE]!);
    }
  }

  /**
   * Replaces the item at `index` (negative counts from the end). Any type may
   * replace any other if it fits the item's room: 8 bytes, or the room a str
   * or bytes item was created with. ValueError if it does not fit, TypeError
   * for an unsupported value, RangeError outside the list; the list is then unchanged.
   */
  set(index: number, value: ShareableItem): void {
    const i = this.#index(index);
    const item = encodeItem(value, "the value");
    const capacity = this.#descriptor(i)[CAPACITY]!;
    if (item.bytes && item.bytes.byteLength > capacity) {
      throw new ValueError(`A ${item.type === T_STR ? "string" : "bytes"} item of ${item.bytes.byteLength} bytes exceeds the ${capacity} bytes of item ${i}: an item's room is fixed when the list is made, as in Python`);
    }
    this.#write(i, item);
  }

  /** How many items equal `value` (numbers by value, bytes by content). */
  count(value: ShareableItem): number {
    let n = 0;
    for (const item of this) if (same(item, value)) n++;
    return n;
  }

  /** The index of the first item equal to `value`; ValueError if there is none (as Python). */
  index(value: ShareableItem): number {
    for (let i = 0; i < this.#length; i++) if (same(this.get(i), value)) return i;
    throw new ValueError(`${describe(value)} is not in the ShareableList`);
  }

  /** A plain array of the items, read now. */
  toArray(): ShareableItem[] {
    return Array.from({ length: this.#length }, (_, i) => this.get(i));
  }

  /** Yields each item, read when reached. */
  *[Symbol.iterator](): Iterator<ShareableItem> {
    for (let i = 0; i < this.#length; i++) yield this.get(i);
  }

  /** Whether `close()` was called on this instance (copies in other threads may still use the memory). */
  get closed(): boolean {
    return this.#closed;
  }

  /**
   * Python's `sl.shm.close()`: this instance lets go of the memory now (the
   * last instance anywhere frees it), instead of when it is
   * garbage-collected. Reading or writing it afterwards throws ValueError.
   */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    unbindBlock(this);
  }

  /** `using sl = new ShareableList(…)`: close() on leaving the block. */
  [Symbol.dispose](): void {
    this.close();
  }

  /** The shareable protocol: the block a copy of this object in another thread is revived from. */
  [SHAREABLE](): Block {
    if (this.#closed) throw new ValueError("Cannot send a closed ShareableList: this instance let go of its memory");
    return this.#block;
  }

  /** `ShareableList(['howdy', 4, 2.5, True, None])`, as Python's repr (the first 10 items). */
  toString(): string {
    if (this.#closed) return "ShareableList(<closed>)";
    const shown = this.toArray().slice(0, 10).map(pythonRepr);
    return `ShareableList([${shown.join(", ")}${this.#length > 10 ? ", ..." : ""}])`;
  }

  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return this.toString();
  }

  #descriptor(i: number): Int32Array {
    if (this.#closed) throw new ValueError("This ShareableList is closed: its memory is gone");
    const d = DESCRIPTOR_WORD + WORDS_PER_ITEM * i;
    return this.#words.subarray(d, d + WORDS_PER_ITEM);
  }

  #index(index: number): number {
    if (typeof index !== "number" || !Number.isInteger(index)) throw new TypeError(`Expected an integer index, got ${describe(index)}`);
    if (index < -this.#length || index >= this.#length) throw new RangeError(`Index ${index} is out of range for a ShareableList of length ${this.#length}`);
    return index < 0 ? this.#length + index : index;
  }

  /** Writes the value, then its type: a reader in another thread sees the old type with the old value or, after, the new pair (not torn by this thread alone). */
  #write(i: number, item: Encoded): void {
    const d = this.#descriptor(i);
    const at = d[OFFSET]!;
    switch (item.type) {
      case T_BOOL:
        this.#data.setUint8(at, item.number!);
        break;
      case T_INT:
      case T_FLOAT:
        this.#data.setFloat64(at, item.number!, true);
        break;
      case T_BIGINT:
        this.#data.setBigInt64(at, item.bigint!, true);
        break;
      case T_STR:
      case T_BYTES:
        this.#bytes.set(item.bytes!, at);
        Atomics.store(d, SIZE, item.bytes!.byteLength);
        break;
    }
    Atomics.store(d, TYPE, item.type);
  }
}

function same(a: ShareableItem, b: ShareableItem): boolean {
  if (a instanceof Uint8Array && b instanceof Uint8Array) return a.byteLength === b.byteLength && a.every((x, i) => x === b[i]);
  return a === b || (typeof a === "number" && typeof b === "number" && Number.isNaN(a) && Number.isNaN(b));
}

function pythonRepr(value: ShareableItem): string {
  if (value === null) return "None";
  if (typeof value === "boolean") return value ? "True" : "False";
  if (typeof value === "string") return `'${value}'`;
  if (value instanceof Uint8Array) return `b'${[...value].map((b) => (b >= 32 && b < 127 ? String.fromCharCode(b) : `\\x${b.toString(16).padStart(2, "0")}`)).join("")}'`;
  return String(value);
}
