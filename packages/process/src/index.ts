export { activeChildren, cpuCount, currentProcess, Process, type ProcessOptions } from "./process.js";
export { ParentProcess, parentProcess } from "./parent.js";
export type { Sentinel } from "./sentinel.js";
export { task, type TaskRef, type ProcessInfo } from "@multiproc/core";
