import { ValueError } from "../errors/errors.js";
import { describe } from "../errors/describe.js";
import { checkOptionNames } from "./known-options.js";

const WAIT_OPTIONS = ["timeout", "signal"];

/**
 * Options of every call that can wait. Every such call also takes a plain
 * number, which is the timeout: `q.get(500)` is `q.get({ timeout: 500 })`.
 */
export interface WaitOptions {
  /**
   * Milliseconds; absent or `Infinity` waits forever; 0 (or less, as in
   * Python) tries once without waiting. NaN and non-numbers are errors.
   */
  timeout?: number | undefined;
  /** Aborting it rejects (or throws) with `signal.reason`; the operation then has no effect. */
  signal?: AbortSignal | undefined;
}

/**
 * Checks a timeout and turns it into an absolute deadline on the
 * `performance.now()` clock, so spurious wake-ups never stretch a wait. A
 * negative timeout means "do not wait", as in Python.
 */
export function deadlineOf(timeout: unknown, what = "timeout"): number {
  if (timeout === undefined || timeout === Infinity) return Infinity;
  if (typeof timeout !== "number") {
    throw new TypeError(`Expected \`${what}\` to be a number of milliseconds, got ${describe(timeout)}`);
  }
  if (Number.isNaN(timeout)) throw new ValueError(`Expected \`${what}\` to be a number of milliseconds, got NaN`);
  return performance.now() + Math.max(0, timeout);
}

export function remaining(deadline: number): number {
  return deadline === Infinity ? Infinity : Math.max(0, deadline - performance.now());
}

/**
 * Validates what a waiting call was given (a timeout in ms, an options
 * object, or nothing) and throws its signal's reason if already aborted.
 */
export function checkWaitOptions(options: WaitOptions | number | undefined, also: readonly string[] = []): { deadline: number; signal: AbortSignal | undefined } {
  if (typeof options === "number") return { deadline: deadlineOf(options), signal: undefined };
  if (options !== undefined && (typeof options !== "object" || options === null)) {
    throw new TypeError(`Expected a timeout in milliseconds or options like { timeout, signal }, got ${describe(options)}`);
  }
  if (options !== undefined) checkOptionNames(options, "the wait options", also.length === 0 ? WAIT_OPTIONS : [...WAIT_OPTIONS, ...also]);
  const signal = options?.signal;
  if (signal !== undefined && !(signal instanceof AbortSignal)) {
    throw new TypeError(`Expected \`signal\` to be an AbortSignal, got ${describe(signal)}`);
  }
  const deadline = deadlineOf(options?.timeout);
  signal?.throwIfAborted();
  return { deadline, signal };
}

/** The options object for what a waiting call was given (a number is the timeout). */
export function toWaitOptions(options: WaitOptions | number | undefined): WaitOptions | undefined {
  return typeof options === "number" ? { timeout: options } : options;
}

/** The timeout a waiting call was given, for messages ("stayed empty for 500 ms"). */
export function timeoutOf(options: WaitOptions | number | undefined): number | undefined {
  return typeof options === "number" ? options : options?.timeout;
}
