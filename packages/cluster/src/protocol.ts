import type { PortableTask } from "./task-path.js";

/** A job's data: the task, how to call it, and its args (base64 of v8's serialization). */
export interface JobData {
  readonly v: 1;
  readonly fn: PortableTask;
  /** "apply": `p` is one call's args; "map": a chunk of single args; "starmap": a chunk of calls' args lists. */
  readonly mode: "apply" | "map" | "starmap";
  readonly p: string;
}

/** A job's return value: the task's result, or its error (class, message, stack, cause and own properties). */
export type JobResult = { readonly ok: true; readonly p: string } | { readonly ok: false; readonly e: string };

/** BullMQ's key prefix for multiproc's queues (apart from the user's own). */
export const DEFAULT_PREFIX = "mp";
export const DEFAULT_QUEUE = "multiproc";
