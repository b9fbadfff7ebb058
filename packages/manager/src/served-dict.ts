import { describe } from "@multiproc/core/internal";
import { KeyError } from "./errors.js";
import { drop } from "./held.js";
import { checkKey, type DictKey } from "./values.js";

/** The manager side of a dict proxy: a Map of primitive keys, and its methods as Python's dict's. */
export type Dict = Map<DictKey, unknown>;

export function createDict(args: unknown[]): Dict {
  const dict: Dict = new Map();
  if (args[0] !== undefined) update(dict, args[0]);
  return dict;
}

/** `update(other)`: a Map, an iterable of [key, value] pairs, or a plain object's own entries. */
function update(dict: Dict, other: unknown): void {
  const pairs: [DictKey, unknown][] = [];
  if (other instanceof Map) for (const [k, v] of other) pairs.push([checkKey(k), v]);
  else if (Array.isArray(other)) {
    other.forEach((pair, i) => {
      if (!Array.isArray(pair) || pair.length !== 2) throw new TypeError(`Expected item ${i} of the update to be a [key, value] pair, got ${describe(pair)}`);
      pairs.push([checkKey(pair[0]), pair[1]]);
    });
  } else if (typeof other === "object" && other !== null) for (const [k, v] of Object.entries(other)) pairs.push([k, v]);
  else throw new TypeError(`Expected a Map, an array of [key, value] pairs or an object, got ${describe(other)}`);
  for (const [k, v] of pairs) put(dict, k, v); // all checked first: a bad pair changes nothing
}

/** `dict[key] = value`, dropping the value it replaces. */
function put(dict: Dict, key: DictKey, value: unknown): void {
  drop(dict.get(key));
  dict.set(key, value);
}

function missing(key: unknown): KeyError {
  return new KeyError(`No key ${describe(key)} in the dict`);
}

export const dictMethods: Record<string, (dict: Dict, args: unknown[]) => unknown> = {
  get: (d, [key, fallback]) => {
    const k = checkKey(key);
    return d.has(k) ? d.get(k) : fallback;
  },
  set: (d, [key, value]) => put(d, checkKey(key), value),
  delete: (d, [key]) => {
    const k = checkKey(key);
    drop(d.get(k));
    return d.delete(k);
  },
  has: (d, [key]) => d.has(checkKey(key)),
  clear: (d) => {
    for (const value of d.values()) drop(value);
    d.clear();
  },
  size: (d) => d.size,
  keys: (d) => [...d.keys()],
  values: (d) => [...d.values()],
  items: (d) => [...d.entries()],
  update: (d, [other]) => update(d, other),
  pop: (d, args) => {
    const k = checkKey(args[0]);
    if (d.has(k)) {
      const value = d.get(k);
      d.delete(k);
      drop(value);
      return value;
    }
    if (args.length > 1) return args[1];
    throw missing(k);
  },
  popitem: (d) => {
    const last = [...d.keys()].at(-1);
    if (d.size === 0) throw new KeyError("popitem(): the dict is empty");
    const value = d.get(last);
    d.delete(last);
    drop(value);
    return [last, value];
  },
  setdefault: (d, [key, fallback]) => {
    const k = checkKey(key);
    if (!d.has(k)) d.set(k, fallback);
    return d.get(k);
  },
  copy: (d) => new Map(d),
};
