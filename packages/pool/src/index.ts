export { AsyncResult } from "./async-result.js";
export { BrokenPoolError, CancelledError, InvalidStateError, WorkerDiedError, type WorkerDeath } from "./errors.js";
export type { MapOptions } from "./mapping.js";
export { Pool, type ApplyOptions, type MapAsyncOptions, type PoolOptions } from "./pool.js";
export { ProcessPoolExecutor, type ExecutorMapOptions, type ExecutorOptions } from "./executor.js";
export { Future } from "./future.js";
export { asCompleted, wait, type FuturesWaitOptions, type ReturnWhen } from "./wait.js";
export { task, TimeoutError, ValueError, type TaskLike, type TaskRef } from "@multiproc/core";
