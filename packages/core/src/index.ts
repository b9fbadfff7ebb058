/**
 * @multiproc/core: the substrate the other multiproc packages share.
 * Applications need only what this entry exports: `task` and its types, the
 * error classes and `registerErrorClass`, `WaitOptions`, and the protocol for
 * writing their own shareable classes. Everything else lives in
 * `@multiproc/core/internal`, which is for the sibling packages only.
 *
 * @packageDocumentation
 */
export { MultiprocError, RemoteError, TimeoutError, ValueError } from "./errors/errors.js";
export { registerErrorClass } from "./errors/transport.js";

export { task, type AnyTaskFunction, type TaskArgs, type TaskLike, type TaskRef, type TaskResult } from "./task/task.js";
export type { WaitOptions } from "./wait/options.js";
export type { ProcessInfo } from "./thread/thread.js";

export { Block } from "./handle/block.js";
export { FIRST_CUSTOM_KIND } from "./handle/kinds.js";
export {
  allocateBlock,
  bindBlock,
  defineKind,
  dropStoredBlock,
  isShareable,
  reviveStoredBlock,
  SHAREABLE,
  storeBlock,
  unbindBlock,
  type KindDefinition,
  type Shareable,
} from "./handle/registry.js";
