import { bindBlock, SHAREABLE, type Block, type Shareable } from "@multiproc/core/internal";
import { readProxyBlock } from "./proxy-block.js";
import { CALL } from "./protocol.js";

const INSPECT = Symbol.for("nodejs.util.inspect.custom");

/**
 * A proxy of an object of a registered type (Python's AutoProxy): each of
 * its methods is there by name, `proxy.add(1, 2)` returning a Promise and
 * `proxy.addSync(1, 2)` blocking, as every proxy method. Which names work is
 * the manager's call (the type's `exposed` list); another name is a
 * TypeError from the manager. `then` and `toJSON` are not methods here (so
 * awaiting or logging a proxy sends nothing).
 */
export type CustomProxy = Shareable & {
  /** `proxy.method(...args)`: a Promise of the result; `proxy.methodSync(...args)`: the result. */
  readonly [method: string]: (...args: unknown[]) => unknown;
};

/** A proxy of a registered type's object over `block`. */
export function customProxy(block: Block): CustomProxy {
  const { objectId, link } = readProxyBlock(block);
  const target: Record<string | symbol, unknown> = {
    [SHAREABLE]: () => block,
    [INSPECT]: () => `<CustomProxy object ${objectId}>`,
    toString: () => `<CustomProxy object ${objectId}>`,
  };
  const methods = new Map<string, (...args: unknown[]) => unknown>();
  const proxy = new Proxy(target, {
    get: (t, name) => {
      if (typeof name === "symbol" || name in t) return t[name];
      if (name === "then" || name === "toJSON") return undefined;
      let method = methods.get(name);
      if (!method) {
        const sync = name.endsWith("Sync") && name.length > 4;
        const remote = sync ? name.slice(0, -4) : name;
        method = sync ? (...args) => link.requestSync(CALL, objectId, remote, args) : (...args) => link.request(CALL, objectId, remote, args);
        methods.set(name, method);
      }
      return method;
    },
    set: () => false,
    deleteProperty: () => false,
  }) as unknown as CustomProxy;
  bindBlock(proxy, block); // the proxy (what callers hold) owns one reference: it goes when the proxy does
  return proxy;
}
