export { ClusterExecutor, type ClusterExecutorOptions, type ClusterMapOptions } from "./executor.js";
export { startWorker, type ClusterWorker, type WorkerOptions } from "./worker.js";
export type { RedisConnection } from "./connection.js";
export { JobLostError } from "./errors.js";
