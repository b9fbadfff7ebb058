/**
 * `@multiproc/core/internal`: everything the sibling multiproc packages share
 * (waits, the codec, threads, the arena). Not a public API: it changes in any
 * release, in step with the sibling packages of the same version. It
 * exports the public API of `@multiproc/core` too, so a sibling imports from
 * one place.
 */
export * from "./index.js";

export { deserializeError, serializeError, type SerializedError } from "./errors/transport.js";

export { Arena, adoptHomeArena, arenaById, homeArena } from "./memory/arena.js";
export { lockMutex, unlockMutex } from "./memory/mutex.js";

export { describeKind, KIND, packageOfKind } from "./handle/kinds.js";
export { blockOf, claimBlock, constructRevived, releaseBlock, retainBlock, reviveHandle } from "./handle/registry.js";

export { checkWaitOptions, deadlineOf, remaining, timeoutOf, toWaitOptions } from "./wait/options.js";
export { describe } from "./errors/describe.js";
export { waitForPromise } from "./wait/promise.js";
export { isWaitable, WAITABLE, type Waitable, type WaitableHooks } from "./wait/waitable.js";
export { withAcquired, withAcquiredSync } from "./wait/with.js";
export { callSignal } from "./wait/call-signal.js";
export { sleepAsync, sleepSync, waitAsync, waitSync, type Attempt, type SleepResult } from "./wait/wait.js";

export { bytesContent, decode, discardEncoded, encode, encodeBytesWith, locateUnserializable, TAG, UNDECODED, undecodedOf, type Allocate } from "./codec/codec.js";
export { fromMessage, toMessage, type Message } from "./codec/message.js";
export { replaceShareables, restoreShareables, scan } from "./codec/walk.js";

export { isTaskRef, toTaskSpec, type TaskSpec } from "./task/task.js";
export { callTask, compileSource, explainTaskError, resolveTask, resolveWorkerTask } from "./task/run.js";

export {
  childThreadEnded,
  currentProcessInfo,
  parentProcessInfo,
  prepareChildThread,
  startThread,
  terminateChildThread,
  type ChildThread,
  type ThreadStartData,
} from "./thread/thread.js";
export { checkNotImporting, importForWorker } from "./thread/bootstrap.js";
export { checkWorkerFile } from "./thread/worker-file.js";
export { checkOptionNames } from "./wait/known-options.js";
export { aliveWord, currentThreadRecord, isTidAlive, parentThread, threadName, type ThreadRecordRef, type ThreadRef } from "./thread/records.js";
export { CONTENDED, OWNER_MASK, SELF } from "./memory/mutex.js";
export { ownerIsDead } from "./memory/owner.js";
export { spinBudget, spinEnded } from "./wait/spin.js";
export { writeAll } from "./thread/output.js";
export { enterCritical, leaveCritical } from "./memory/critical.js";
