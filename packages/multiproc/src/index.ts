// The umbrella: everything multiproc exports, from one import.
export * from "@multiproc/core";
export * from "@multiproc/process";
