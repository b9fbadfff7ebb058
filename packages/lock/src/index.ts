import { constructRevived, defineKind, KIND } from "@multiproc/core/internal";
import { Condition, disposeCondition } from "./condition.js";
import { Lock } from "./lock.js";
import { RLock } from "./rlock.js";

export { Condition, Lock, RLock };
export { ValueError, type WaitOptions } from "@multiproc/core";

const url = import.meta.url;
defineKind({ kind: KIND.Lock, package: "@multiproc/lock", moduleUrl: url, revive: (block) => constructRevived(block, () => new Lock()) });
defineKind({ kind: KIND.RLock, package: "@multiproc/lock", moduleUrl: url, revive: (block) => constructRevived(block, () => new RLock()) });
defineKind({
  kind: KIND.Condition,
  package: "@multiproc/lock",
  moduleUrl: url,
  revive: (block) => constructRevived(block, () => new Condition()),
  dispose: disposeCondition,
});
