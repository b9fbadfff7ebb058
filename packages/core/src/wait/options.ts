import { ValueError } from "../errors/errors.js";

/** Options of every call that can wait. */
export interface WaitOptions {
  /** Milliseconds; absent or `Infinity` waits forever; 0 tries once without waiting. */
  timeout?: number | undefined;
  /** Aborting it rejects (or throws) with `signal.reason`; the operation then has no effect. */
  signal?: AbortSignal | undefined;
}

/**
 * Checks a timeout and turns it into an absolute deadline on the
 * `performance.now()` clock, so spurious wake-ups never stretch a wait.
 */
export function deadlineOf(timeout: number | undefined, what = "timeout"): number {
  if (timeout === undefined || timeout === Infinity) return Infinity;
  if (typeof timeout !== "number") {
    throw new TypeError(`Expected \`${what}\` to be a number of milliseconds, got ${describe(timeout)}`);
  }
  if (Number.isNaN(timeout) || timeout < 0) {
    throw new ValueError(`Expected \`${what}\` to be a non-negative number of milliseconds, got ${timeout}`);
  }
  return performance.now() + timeout;
}

export function remaining(deadline: number): number {
  return deadline === Infinity ? Infinity : Math.max(0, deadline - performance.now());
}

/** Validates `options` (an object or undefined) and throws its signal's reason if already aborted. */
export function checkWaitOptions(options: WaitOptions | undefined): { deadline: number; signal: AbortSignal | undefined } {
  if (options !== undefined && (typeof options !== "object" || options === null)) {
    throw new TypeError(`Expected options to be an object like { timeout, signal }, got ${describe(options)}`);
  }
  const signal = options?.signal;
  if (signal !== undefined && !(signal instanceof AbortSignal)) {
    throw new TypeError(`Expected \`signal\` to be an AbortSignal, got ${describe(signal)}`);
  }
  const deadline = deadlineOf(options?.timeout);
  signal?.throwIfAborted();
  return { deadline, signal };
}

export function describe(value: unknown): string {
  if (value === null) return "null";
  if (typeof value === "string") return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (typeof value === "function") return `a function${value.name ? ` (${value.name})` : ""}`;
  if (typeof value === "object") return `an object (${(value as object).constructor?.name ?? "Object"})`;
  if (typeof value === "bigint") return `${value}n`;
  return typeof value === "symbol" ? value.toString() : String(value);
}
