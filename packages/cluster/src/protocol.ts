import { describe as describeValue } from "@multiproc/core/internal";
import type { PortableTask } from "./task-path.js";

/** A job's data: the task, how to call it, and its args (base64 of v8's serialization). */
export interface JobData {
  readonly v: 1;
  readonly fn: PortableTask;
  /** "apply": `p` is one call's args; "map": a chunk of single args; "starmap": a chunk of calls' args lists. */
  readonly mode: "apply" | "map" | "starmap";
  readonly p: string;
  /** The code version the client's tasks need (its `codeVersion`); absent: any worker may run it. */
  readonly cv?: string;
}

/** A job's return value: the task's result, or its error (class, message, stack, cause and own properties). */
export type JobResult = { readonly ok: true; readonly p: string } | { readonly ok: false; readonly e: string };

/** BullMQ's key prefix for multiproc's queues (apart from the user's own). */
export const DEFAULT_PREFIX = "mp";
export const DEFAULT_QUEUE = "multiproc";

/**
 * The pub/sub channel a client publishes the id of a running job on when its
 * `signal` aborts; the worker holding that job aborts it on its pool.
 * (BullMQ's `worker.cancelJob` works only in the process running the job,
 * and its cross-process `Relay` is still experimental in 6.7.)
 */
export function cancelChannel(prefix: string, queue: string): string {
  return `${prefix}:${queue}:cancel`;
}

/** A code version: what `codeVersion` and `--code-version` take (a release tag, a commit hash, a build number). */
export function checkCodeVersion(value: unknown, name: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "string" || !/^[\w.+:/@-]{1,200}$/.test(value)) {
    throw new TypeError(`Expected \`${name}\` to be a version string (1 to 200 of letters, digits and _ . + : / @ -), got ${describeValue(value)}`);
  }
  return value;
}
