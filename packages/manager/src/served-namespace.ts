import { describe } from "@multiproc/core/internal";
import { drop } from "./held.js";

/** The manager side of a Namespace proxy: attribute names to values. */
export type Namespace = Map<string, unknown>;

export function createNamespace(args: unknown[]): Namespace {
  const init = args[0];
  if (init === undefined) return new Map();
  if (typeof init !== "object" || init === null || Array.isArray(init)) throw new TypeError(`Expected the attributes as an object, got ${describe(init)}`);
  return new Map(Object.entries(init));
}

export const namespaceMethods: Record<string, (ns: Namespace, args: unknown[]) => unknown> = {
  getattr: (ns, [name]) => ns.get(name as string),
  setattr: (ns, [name, value]) => {
    drop(ns.get(name as string));
    ns.set(name as string, value);
  },
  delattr: (ns, [name]) => {
    drop(ns.get(name as string));
    return ns.delete(name as string);
  },
  hasattr: (ns, [name]) => ns.has(name as string),
  names: (ns) => [...ns.keys()],
};
