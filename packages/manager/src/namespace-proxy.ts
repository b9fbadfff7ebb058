import { bindBlock, SHAREABLE, type Block, type Shareable } from "@multiproc/core/internal";
import { readProxyBlock } from "./proxy-block.js";
import { CALL } from "./protocol.js";

const INSPECT = Symbol.for("nodejs.util.inspect.custom");

/**
 * A managed Namespace, as the proxy of Python's `manager.Namespace()`:
 * plain attribute access, synchronous as in Python (`ns.x = 1`, `ns.x`,
 * `delete ns.x`, `"x" in ns`, `Object.keys(ns)`), each a round trip to the
 * manager. A missing attribute reads as undefined (Python raises
 * AttributeError). Symbol keys, `then` and `toJSON` are never sent to the
 * manager (so awaiting or logging a namespace stays local).
 */
export type NamespaceProxy<T extends object = Record<string, unknown>> = T & Shareable;

/** A Namespace proxy over `block`. */
export function namespaceProxy(block: Block): NamespaceProxy {
  const { objectId, link } = readProxyBlock(block);
  const call = (method: string, args: unknown[]) => link.requestSync(CALL, objectId, method, args);
  // The target carries the local parts; every string key goes to the manager.
  const describe = () => `Namespace(${(call("names", []) as string[]).map((name) => `${name}=${JSON.stringify(call("getattr", [name])) ?? "…"}`).join(", ")})`;
  // String(ns) and `${ns}` too, as Python's str(ns): without it they asked the manager for `toString` and threw.
  const target: Record<symbol, unknown> = { [SHAREABLE]: () => block, [INSPECT]: describe, [Symbol.toPrimitive]: describe };
  const local = (name: string | symbol): name is symbol => typeof name === "symbol" || name === "then" || name === "toJSON";
  const proxy = new Proxy(target, {
    get: (t, name) => (local(name) ? (typeof name === "symbol" ? t[name] : undefined) : call("getattr", [name])),
    set: (_target, name, value) => {
      if (local(name)) return false;
      call("setattr", [name, value]);
      return true;
    },
    deleteProperty: (_target, name) => {
      if (local(name)) return false;
      call("delattr", [name]);
      return true;
    },
    has: (t, name) => (local(name) ? name in t : (call("hasattr", [name]) as boolean)),
    ownKeys: () => call("names", []) as string[],
    getOwnPropertyDescriptor: (t, name) => {
      if (local(name)) return typeof name === "symbol" ? Reflect.getOwnPropertyDescriptor(t, name) : undefined;
      if (!call("hasattr", [name])) return undefined;
      return { value: call("getattr", [name]), writable: true, enumerable: true, configurable: true };
    },
    defineProperty: (_target, name, descriptor) => {
      if (local(name) || !("value" in descriptor)) return false;
      call("setattr", [name, descriptor.value]);
      return true;
    },
  }) as unknown as NamespaceProxy;
  bindBlock(proxy, block); // the proxy (what callers hold) owns one reference: it goes when the proxy does
  return proxy;
}
