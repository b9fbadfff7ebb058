import type { Block } from "@multiproc/core/internal";
import { customProxy } from "./custom-proxy.js";
import { namespaceProxy } from "./namespace-proxy.js";
import { readProxyBlock } from "./proxy-block.js";
import { DictProxy, ListProxy } from "./proxies.js";

/** The proxy a block stands for, by its type: the kind's revive. */
export function makeProxy(block: Block): object {
  const { typeid } = readProxyBlock(block);
  if (typeid === "dict") return new DictProxy(block);
  if (typeid === "list") return new ListProxy(block);
  if (typeid === "Namespace") return namespaceProxy(block);
  return customProxy(block);
}
