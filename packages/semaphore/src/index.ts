import { constructRevived, defineKind, KIND } from "@multiproc/core/internal";
import { BoundedSemaphore } from "./bounded-semaphore.js";
import { Semaphore } from "./semaphore.js";

export { BoundedSemaphore, Semaphore };
export { ValueError, type WaitOptions } from "@multiproc/core";

const url = import.meta.url;
defineKind({ kind: KIND.Semaphore, package: "@multiproc/semaphore", moduleUrl: url, revive: (block) => constructRevived(block, () => new Semaphore()) });
defineKind({
  kind: KIND.BoundedSemaphore,
  package: "@multiproc/semaphore",
  moduleUrl: url,
  revive: (block) => constructRevived(block, () => new BoundedSemaphore()),
});
