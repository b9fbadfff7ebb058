// The umbrella: everything multiproc exports, from one import.
export * from "@multiproc/core";
export * from "@multiproc/event";
export * from "@multiproc/lock";
export * from "@multiproc/manager";
export * from "@multiproc/pipe";
export * from "@multiproc/pool";
export * from "@multiproc/process";
export * from "@multiproc/queue";
export * from "@multiproc/semaphore";
export * from "@multiproc/shared-value";
// pipe and pool both export `wait`: this one takes either's arguments.
export { wait } from "./wait.js";
