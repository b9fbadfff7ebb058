import { constructRevived, defineKind, KIND } from "@multiproc/core/internal";
import { SharedArray } from "./shared-array.js";
import { ShareableList } from "./shareable-list.js";
import { SharedMemory } from "./shared-memory.js";
import { SharedValue } from "./shared-value.js";
import { disposeStore } from "./store.js";

export { SharedArray, type SharedArrayOptions } from "./shared-array.js";
export { ShareableList, type ShareableItem } from "./shareable-list.js";
export { SharedMemory } from "./shared-memory.js";
export { SharedMemoryManager } from "./shared-memory-manager.js";
export { SharedValue, type SharedValueOptions } from "./shared-value.js";
export type { TypedArray, Typecode, ValueOf } from "./typecodes.js";
export type { LockOption } from "./store.js";
export { ValueError } from "@multiproc/core";

const url = import.meta.url;
const pkg = "@multiproc/shared-value";
defineKind({ kind: KIND.SharedValue, package: pkg, moduleUrl: url, revive: (b) => constructRevived(b, () => new SharedValue("i")), dispose: disposeStore });
defineKind({ kind: KIND.SharedArray, package: pkg, moduleUrl: url, revive: (b) => constructRevived(b, () => new SharedArray("i", 0)), dispose: disposeStore });
defineKind({ kind: KIND.SharedMemory, package: pkg, moduleUrl: url, revive: (b) => constructRevived(b, () => new SharedMemory({ size: 1 })) });
defineKind({ kind: KIND.ShareableList, package: pkg, moduleUrl: url, revive: (b) => constructRevived(b, () => new ShareableList()) });
