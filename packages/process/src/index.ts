export { activeChildren, cpuCount, currentProcess, parentProcess, Process, type ProcessOptions } from "./process.js";
export { task, type TaskRef, type ProcessInfo } from "@multiproc/core";
