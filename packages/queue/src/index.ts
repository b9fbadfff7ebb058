import { constructRevived, defineKind, KIND, type Block } from "@multiproc/core/internal";
import { disposeChannel, openChannel } from "./channel.js";
import { JoinableQueue } from "./joinable-queue.js";
import { Queue } from "./queue.js";
import { SimpleQueue } from "./simple-queue.js";

export { QueueClosedError, QueueEmptyError, QueueFullError, ShutDown } from "./errors.js";
export { JoinableQueue, Queue, SimpleQueue };
export type { QueueOptions } from "./queue.js";
export { ValueError, type WaitOptions } from "@multiproc/core";

const url = import.meta.url;
const pkg = "@multiproc/queue";
const dispose = (block: Block) => disposeChannel(openChannel(block));
defineKind({ kind: KIND.Queue, package: pkg, moduleUrl: url, revive: (b) => constructRevived(b, () => new Queue()), dispose });
defineKind({ kind: KIND.JoinableQueue, package: pkg, moduleUrl: url, revive: (b) => constructRevived(b, () => new JoinableQueue()), dispose });
defineKind({ kind: KIND.SimpleQueue, package: pkg, moduleUrl: url, revive: (b) => constructRevived(b, () => new SimpleQueue()), dispose });
