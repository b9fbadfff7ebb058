export { ClusterExecutor, type ClusterExecutorOptions, type ClusterMapOptions } from "./executor.js";
export { startWorker, type ClusterWorker, type WorkerOptions } from "./worker.js";
export type { RedisConnection } from "./connection.js";
export { CodeVersionError, JobLostError, SourceNotAllowedError } from "./errors.js";
export { ClusterPool, type ClusterApplyOptions, type ClusterCallOptions, type ClusterPoolMapAsyncOptions, type ClusterPoolMapOptions, type ClusterPoolOptions } from "./pool.js";
export type { ClusterOptions } from "./client.js";
