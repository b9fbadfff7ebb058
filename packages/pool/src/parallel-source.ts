import { isTaskRef, type TaskLike } from "@multiproc/core/internal";
import { iteratorOf, type AnyIterable } from "./jobs.js";

/**
 * Consecutive calls of one function. With `single`, `items` holds the one
 * argument of each call (it goes to a worker as a flat map chunk, and an
 * array of numbers takes the codec's typed path); else each item is an
 * argument list.
 */
export interface CallRun {
  readonly fn: TaskLike;
  readonly single: boolean;
  readonly items: unknown[];
}

/** Where a Parallel call's calls come from, read a slice at a time. */
export interface CallSource {
  /** How many calls there are, when the input says (an array); else undefined. */
  readonly total: number | undefined;
  /** The function of every call, when known before reading (`parallel(fn, items)`). */
  readonly fn: TaskLike | undefined;
  /** Up to `count` calls, as runs; `ended` once the input has no more. Throws what reading threw, or a TypeError for a bad call. */
  read(count: number): Promise<{ runs: CallRun[]; ended: boolean }>;
  /** Stops reading early (closes the input). */
  close(): void;
}

type Step = IteratorResult<unknown> | Promise<IteratorResult<unknown>>;

/** Calls made by `delayed(fn)(...args)` (or any `{ fn, args }`), checked one by one. */
export function delayedCalls(calls: AnyIterable<unknown>): CallSource {
  const input = iteratorOf(calls, "calls");
  // An array is read by index: no iterator step per call.
  const array = Array.isArray(calls) ? (calls as unknown[]) : undefined;
  let index = 0;
  return {
    total: array?.length,
    fn: undefined,
    async read(count) {
      const runs: CallRun[] = [];
      let fn: TaskLike | undefined;
      let rows: unknown[][] = [];
      const flush = () => {
        if (fn !== undefined && rows.length > 0) runs.push(toRun(fn, rows));
        rows = [];
      };
      for (let n = 0; n < count; n++) {
        let value: unknown;
        if (array) {
          if (index >= array.length) {
            flush();
            return { runs, ended: true };
          }
          value = array[index];
        } else {
          let step: Step = input.next();
          if (step instanceof Promise) step = await step;
          if (step.done) {
            flush();
            return { runs, ended: true };
          }
          value = step.value;
        }
        const call = checkCall(value, index++);
        if (fn === undefined || !sameFunction(call.fn, fn)) {
          flush();
          fn = call.fn;
        }
        rows.push(call.args);
      }
      flush();
      return { runs, ended: array !== undefined && index >= array.length };
    },
    close: () => void closeQuietly(input),
  };
}

/** `fn(item)` for each item: `parallel(fn, items)`. An array is sliced, never copied item by item. */
export function itemCalls(fn: TaskLike, items: AnyIterable<unknown>): CallSource {
  if (Array.isArray(items)) {
    let at = 0;
    return {
      total: items.length,
      fn,
      async read(count) {
        const slice = items.slice(at, at + count);
        at += slice.length;
        return { runs: slice.length > 0 ? [{ fn, single: true, items: slice }] : [], ended: at >= items.length };
      },
      close() {},
    };
  }
  const input = iteratorOf(items, "items");
  return {
    total: undefined,
    fn,
    async read(count) {
      const slice: unknown[] = [];
      let ended = false;
      while (slice.length < count) {
        let step: Step = input.next();
        if (step instanceof Promise) step = await step;
        if (step.done) {
          ended = true;
          break;
        }
        slice.push(step.value);
      }
      return { runs: slice.length > 0 ? [{ fn, single: true, items: slice }] : [], ended };
    },
    close: () => void closeQuietly(input),
  };
}

function toRun(fn: TaskLike, rows: unknown[][]): CallRun {
  for (const row of rows) if (row.length !== 1) return { fn, single: false, items: rows };
  return { fn, single: true, items: rows.map((row) => row[0]) };
}

async function closeQuietly(input: Iterator<unknown> | AsyncIterator<unknown>): Promise<void> {
  try {
    await input.return?.();
  } catch {
    // The input failed as it closed; the call has its own outcome already.
  }
}

/** One input item, checked: a delayed call (or any `{ fn, args }`). */
function checkCall(value: unknown, index: number): { fn: TaskLike; args: unknown[] } {
  const call = value as { fn?: unknown; args?: unknown } | null;
  if (typeof call === "object" && call !== null && (typeof call.fn === "function" || isTaskRef(call.fn)) && Array.isArray(call.args)) {
    return call as { fn: TaskLike; args: unknown[] };
  }
  throw new TypeError(`Expected calls[${index}] to be delayed(fn)(...args), got ${describeCall(value)}`);
}

function describeCall(value: unknown): string {
  if (value === null) return "null";
  if (typeof value === "function") return `a function (${value.name || "anonymous"}): call delayed(fn) with the arguments, delayed(fn)(x)`;
  if (typeof value === "object") return "an object without `fn` and `args`";
  return typeof value === "string" ? JSON.stringify(value) : String(value);
}

/** One function: the same function object, or task references to the same export. */
function sameFunction(a: TaskLike, b: TaskLike): boolean {
  if (a === b) return true;
  return isTaskRef(a) && isTaskRef(b) && a.url === b.url && a.exportName === b.exportName;
}
