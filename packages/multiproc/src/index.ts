// The umbrella: everything multiproc exports, from one import.
export * from "@multiproc/core";
export * from "@multiproc/event";
export * from "@multiproc/lock";
export * from "@multiproc/pipe";
export * from "@multiproc/process";
export * from "@multiproc/queue";
export * from "@multiproc/semaphore";
export * from "@multiproc/shared-value";
