import { bindBlock, SHAREABLE, type Block, type Shareable } from "@multiproc/core/internal";
import type { Link } from "./link.js";
import { readProxyBlock } from "./proxy-block.js";
import { CALL } from "./protocol.js";

/**
 * What every proxy shares: the object it stands for and the way to its
 * manager. A proxy is shareable: passed to a Process or a Pool task (at any
 * depth of the args), put in a Queue, or stored in another managed object,
 * it arrives as a proxy of the same object. Every method returns a Promise
 * and has a blocking `…Sync` twin (for CPU-bound code in a worker).
 */
export abstract class BaseProxy implements Shareable {
  readonly #block: Block;
  readonly #objectId: number;
  readonly #link: Link;

  /** @internal Proxies are made by a Manager (`manager.dict()`, …) or arrive from other threads. */
  constructor(block: Block) {
    const { objectId, link } = readProxyBlock(block);
    this.#block = block;
    this.#objectId = objectId;
    this.#link = link;
    bindBlock(this, block); // this instance holds one reference: the object lives while any proxy does
  }

  /** The shareable protocol: the block a proxy in another thread is revived from. */
  [SHAREABLE](): Block {
    return this.#block;
  }

  /** `<DictProxy object 3>`. */
  toString(): string {
    return `<${this.constructor.name} object ${this.#objectId}>`;
  }

  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return this.toString();
  }

  /** @internal */
  protected call(method: string, args: unknown[]): Promise<never> {
    return this.#link.request(CALL, this.#objectId, method, args) as Promise<never>;
  }

  /** @internal */
  protected callSync(method: string, args: unknown[]): never {
    return this.#link.requestSync(CALL, this.#objectId, method, args) as never;
  }
}

/** A key of a managed dict: a primitive (an object would arrive as a copy, and never match again). */
export type DictKey = string | number | bigint | boolean | null | undefined;

/**
 * A managed dict, as the proxy of Python's `manager.dict()`: a Map of
 * primitive keys that lives in the manager; values go in and out as copies
 * (shareables and other proxies inside arrive working).
 */
export class DictProxy<K extends DictKey = DictKey, V = unknown> extends BaseProxy implements AsyncIterable<K> {
  /** The value of `key`, or `fallback` (default undefined) when it has none: Python's `d.get(key, default)`. */
  get(key: K, fallback?: V): Promise<V | undefined> {
    return this.call("get", [key, fallback]);
  }
  /** `get()`, blocking this thread. */
  getSync(key: K, fallback?: V): V | undefined {
    return this.callSync("get", [key, fallback]);
  }
  /** `d[key] = value`. */
  set(key: K, value: V): Promise<void> {
    return this.call("set", [key, value]);
  }
  /** `set()`, blocking this thread. */
  setSync(key: K, value: V): void {
    this.callSync("set", [key, value]);
  }
  /** Removes `key`; whether it was there (as Map's `delete`; Python's `del d[key]` would raise KeyError). */
  delete(key: K): Promise<boolean> {
    return this.call("delete", [key]);
  }
  /** `delete()`, blocking this thread. */
  deleteSync(key: K): boolean {
    return this.callSync("delete", [key]);
  }
  /** `key in d`. */
  has(key: K): Promise<boolean> {
    return this.call("has", [key]);
  }
  /** `has()`, blocking this thread. */
  hasSync(key: K): boolean {
    return this.callSync("has", [key]);
  }
  /** Removes every entry. */
  clear(): Promise<void> {
    return this.call("clear", []);
  }
  /** `clear()`, blocking this thread. */
  clearSync(): void {
    this.callSync("clear", []);
  }
  /** `len(d)`. */
  size(): Promise<number> {
    return this.call("size", []);
  }
  /** `size()`, blocking this thread. */
  sizeSync(): number {
    return this.callSync("size", []);
  }
  /** The keys now, in insertion order. */
  keys(): Promise<K[]> {
    return this.call("keys", []);
  }
  /** `keys()`, blocking this thread. */
  keysSync(): K[] {
    return this.callSync("keys", []);
  }
  /** The values now, in insertion order. */
  values(): Promise<V[]> {
    return this.call("values", []);
  }
  /** `values()`, blocking this thread. */
  valuesSync(): V[] {
    return this.callSync("values", []);
  }
  /** The [key, value] pairs now, in insertion order. */
  items(): Promise<[K, V][]> {
    return this.call("items", []);
  }
  /** `items()`, blocking this thread. */
  itemsSync(): [K, V][] {
    return this.callSync("items", []);
  }
  /** Sets every entry of a Map, an array of [key, value] pairs or a plain object. */
  update(other: Map<K, V> | [K, V][] | Record<string, V>): Promise<void> {
    return this.call("update", [other]);
  }
  /** `update()`, blocking this thread. */
  updateSync(other: Map<K, V> | [K, V][] | Record<string, V>): void {
    this.callSync("update", [other]);
  }
  /** Removes `key` and returns its value; without a `fallback`, KeyError when there is none (Python's `pop`). */
  pop(key: K, ...fallback: [V?]): Promise<V> {
    return this.call("pop", [key, ...fallback]);
  }
  /** `pop()`, blocking this thread. */
  popSync(key: K, ...fallback: [V?]): V {
    return this.callSync("pop", [key, ...fallback]);
  }
  /** Removes and returns the last [key, value] pair; KeyError when empty (Python's `popitem`). */
  popitem(): Promise<[K, V]> {
    return this.call("popitem", []);
  }
  /** `popitem()`, blocking this thread. */
  popitemSync(): [K, V] {
    return this.callSync("popitem", []);
  }
  /** The value of `key`, first setting it to `fallback` if there is none (Python's `setdefault`). */
  setdefault(key: K, fallback?: V): Promise<V> {
    return this.call("setdefault", [key, fallback]);
  }
  /** `setdefault()`, blocking this thread. */
  setdefaultSync(key: K, fallback?: V): V {
    return this.callSync("setdefault", [key, fallback]);
  }
  /** A plain Map of the entries now (Python's `copy()` of a proxy gives a plain dict). */
  copy(): Promise<Map<K, V>> {
    return this.call("copy", []);
  }
  /** `copy()`, blocking this thread. */
  copySync(): Map<K, V> {
    return this.callSync("copy", []);
  }
  /** `for await (const key of d)`: the keys, read once when the iteration starts. */
  async *[Symbol.asyncIterator](): AsyncIterator<K> {
    yield* await this.keys();
  }
}

/** Options of a list proxy's `sort()`: as Python's, without `key` (a function cannot go to the manager). */
export interface SortOptions {
  /** Largest first. */
  reverse?: boolean | undefined;
}

/**
 * A managed list, as the proxy of Python's `manager.list()`. Indexes may
 * be negative (from the end), as in Python; an index outside the list is a
 * RangeError (Python's IndexError).
 */
export class ListProxy<T = unknown> extends BaseProxy implements AsyncIterable<T> {
  /** `l[index]`. */
  get(index: number): Promise<T> {
    return this.call("get", [index]);
  }
  /** `get()`, blocking this thread. */
  getSync(index: number): T {
    return this.callSync("get", [index]);
  }
  /** `l[index] = value`. */
  set(index: number, value: T): Promise<void> {
    return this.call("set", [index, value]);
  }
  /** `set()`, blocking this thread. */
  setSync(index: number, value: T): void {
    this.callSync("set", [index, value]);
  }
  /** `len(l)`. */
  length(): Promise<number> {
    return this.call("length", []);
  }
  /** `length()`, blocking this thread. */
  lengthSync(): number {
    return this.callSync("length", []);
  }
  /** Adds `value` at the end. */
  append(value: T): Promise<void> {
    return this.call("append", [value]);
  }
  /** `append()`, blocking this thread. */
  appendSync(value: T): void {
    this.callSync("append", [value]);
  }
  /** Adds every value of `values` at the end. */
  extend(values: Iterable<T>): Promise<void> {
    return this.call("extend", [[...values]]);
  }
  /** `extend()`, blocking this thread. */
  extendSync(values: Iterable<T>): void {
    this.callSync("extend", [[...values]]);
  }
  /** Inserts `value` before `index` (clamped to the list, as Python's). */
  insert(index: number, value: T): Promise<void> {
    return this.call("insert", [index, value]);
  }
  /** `insert()`, blocking this thread. */
  insertSync(index: number, value: T): void {
    this.callSync("insert", [index, value]);
  }
  /** Removes and returns the item at `index` (default the last); RangeError when empty or outside. */
  pop(index?: number): Promise<T> {
    return this.call("pop", [index]);
  }
  /** `pop()`, blocking this thread. */
  popSync(index?: number): T {
    return this.callSync("pop", [index]);
  }
  /** Removes the first item equal to `value` (by value, as Python's `==`); ValueError if none is. */
  remove(value: T): Promise<void> {
    return this.call("remove", [value]);
  }
  /** `remove()`, blocking this thread. */
  removeSync(value: T): void {
    this.callSync("remove", [value]);
  }
  /** The index of the first item equal to `value` within [start, end); ValueError if none is. */
  index(value: T, start?: number, end?: number): Promise<number> {
    return this.call("index", [value, start, end]);
  }
  /** `index()`, blocking this thread. */
  indexSync(value: T, start?: number, end?: number): number {
    return this.callSync("index", [value, start, end]);
  }
  /** How many items equal `value`. */
  count(value: T): Promise<number> {
    return this.call("count", [value]);
  }
  /** `count()`, blocking this thread. */
  countSync(value: T): number {
    return this.callSync("count", [value]);
  }
  /** Sorts in place in Python's order (numbers by value, strings by code point); TypeError for items Python cannot compare, and the list is unchanged. */
  sort(options?: SortOptions): Promise<void> {
    return this.call("sort", [options]);
  }
  /** `sort()`, blocking this thread. */
  sortSync(options?: SortOptions): void {
    this.callSync("sort", [options]);
  }
  /** Reverses in place. */
  reverse(): Promise<void> {
    return this.call("reverse", []);
  }
  /** `reverse()`, blocking this thread. */
  reverseSync(): void {
    this.callSync("reverse", []);
  }
  /** `l[start:end]` as a plain array (negative bounds from the end, clamped). */
  slice(start?: number, end?: number): Promise<T[]> {
    return this.call("slice", [start, end]);
  }
  /** `slice()`, blocking this thread. */
  sliceSync(start?: number, end?: number): T[] {
    return this.callSync("slice", [start, end]);
  }
  /** A plain array of the items now. */
  copy(): Promise<T[]> {
    return this.call("copy", []);
  }
  /** `copy()`, blocking this thread. */
  copySync(): T[] {
    return this.callSync("copy", []);
  }
  /** Removes every item. */
  clear(): Promise<void> {
    return this.call("clear", []);
  }
  /** `clear()`, blocking this thread. */
  clearSync(): void {
    this.callSync("clear", []);
  }
  /** `for await (const item of l)`: the items, read once when the iteration starts. */
  async *[Symbol.asyncIterator](): AsyncIterator<T> {
    yield* await this.copy();
  }
}
