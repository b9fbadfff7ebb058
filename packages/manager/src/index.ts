import { constructRevived, defineKind, KIND } from "@multiproc/core/internal";
import { makeProxy } from "./make-proxy.js";
import { disposeManagerBlock, SyncManager } from "./manager.js";
import { disposeProxyBlock } from "./proxy-block.js";

export { Manager, SyncManager, type ConnectOptions, type ManagerOptions } from "./manager.js";
export type { Address, RemoteOptions } from "./remote-options.js";
export { BaseProxy, DictProxy, ListProxy, type DictKey, type SortOptions } from "./proxies.js";
export type { NamespaceProxy } from "./namespace-proxy.js";
export type { CustomProxy } from "./custom-proxy.js";
export type { RegisterOptions } from "./registry.js";
export { AuthenticationError, KeyError, ManagerClosedError } from "./errors.js";

const url = import.meta.url;
const pkg = "@multiproc/manager";
defineKind({ kind: KIND.ManagerProxy, package: pkg, moduleUrl: url, revive: (block) => makeProxy(block), dispose: disposeProxyBlock });
defineKind({ kind: KIND.Manager, package: pkg, moduleUrl: url, revive: (block) => constructRevived(block, () => new SyncManager(block)), dispose: disposeManagerBlock });
