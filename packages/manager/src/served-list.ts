import { describe, ValueError } from "@multiproc/core/internal";
import { drop } from "./held.js";
import { checkIndex, checkInteger, compare, equal, sliceBound } from "./values.js";

/** The manager side of a list proxy: an array, and its methods as Python's list's. */
export type List = unknown[];

export function createList(args: unknown[]): List {
  if (args[0] === undefined) return [];
  return [...checkIterable(args[0])];
}

function checkIterable(value: unknown): Iterable<unknown> {
  if (value !== null && typeof value === "object" && Symbol.iterator in value) return value as Iterable<unknown>;
  throw new TypeError(`Expected an iterable (an array, say), got ${describe(value)}`);
}

function find(list: List, value: unknown, start: number, end: number): number {
  for (let i = start; i < end; i++) if (equal(list[i], value)) return i;
  return -1;
}

export const listMethods: Record<string, (list: List, args: unknown[]) => unknown> = {
  get: (l, [index]) => l[checkIndex(index, l.length)],
  set: (l, [index, value]) => {
    const i = checkIndex(index, l.length);
    drop(l[i]);
    l[i] = value;
  },
  length: (l) => l.length,
  append: (l, [value]) => void l.push(value),
  extend: (l, [values]) => {
    for (const value of checkIterable(values)) l.push(value);
  },
  insert: (l, [index, value]) => {
    // Python clamps an insert position to the list.
    const i = sliceBound(checkInteger(index, "index"), l.length, 0, "index");
    l.splice(i, 0, value);
  },
  pop: (l, [index]) => {
    if (l.length === 0) throw new RangeError("pop from an empty list");
    const [value] = l.splice(checkIndex(index ?? -1, l.length), 1);
    drop(value);
    return value;
  },
  remove: (l, [value]) => {
    const i = find(l, value, 0, l.length);
    if (i < 0) throw new ValueError(`list.remove(x): ${describe(value)} is not in the list`);
    drop(l.splice(i, 1)[0]);
  },
  index: (l, [value, start, end]) => {
    const i = find(l, value, sliceBound(start, l.length, 0, "start"), sliceBound(end, l.length, l.length, "end"));
    if (i < 0) throw new ValueError(`${describe(value)} is not in the list`);
    return i;
  },
  count: (l, [value]) => l.reduce((n: number, x) => (equal(x, value) ? n + 1 : n), 0),
  sort: (l, [options]) => {
    const { reverse = false } = (options ?? {}) as { reverse?: boolean };
    // A TypeError leaves the list as it was, as in Python. Reversed by the
    // comparison, not afterwards: equal items (1 and true) keep their order, as Python's stable sort.
    const sorted = [...l].sort(reverse ? (a, b) => compare(b, a) : compare);
    sorted.forEach((value, i) => (l[i] = value));
  },
  reverse: (l) => void l.reverse(),
  slice: (l, [start, end]) => l.slice(sliceBound(start, l.length, 0, "start"), sliceBound(end, l.length, l.length, "end")),
  copy: (l) => [...l],
  clear: (l) => void drop(l.splice(0, l.length)),
};
