import { constructRevived, defineKind, KIND } from "@multiproc/core/internal";
import { Barrier } from "./barrier.js";
import { Event } from "./event.js";

export { Barrier, type BarrierOptions } from "./barrier.js";
export { BrokenBarrierError } from "./errors.js";
export { Event };
export { ValueError, type WaitOptions } from "@multiproc/core";

const url = import.meta.url;
defineKind({ kind: KIND.Event, package: "@multiproc/event", moduleUrl: url, revive: (block) => constructRevived(block, () => new Event()) });
defineKind({ kind: KIND.Barrier, package: "@multiproc/event", moduleUrl: url, revive: (block) => constructRevived(block, () => new Barrier(1)) });
