import { describe, encode, ValueError } from "@multiproc/core/internal";
import type { Engine, Job } from "./engine.js";
import { CALL, type Mode } from "./protocol.js";
import { newTask } from "./messages.js";

/**
 * A job ready to submit, and its promise. Throws at once (changing nothing)
 * for a closed pool, a bad function or signal, or unsendable args.
 */
export function prepareJob<T>(
  engine: Engine,
  fn: unknown,
  mode: Mode,
  payload: unknown,
  path: string,
  signal: AbortSignal | undefined,
  onDispatch?: () => void,
  fed = false,
): { job: Job; promise: Promise<T> } {
  engine.checkOpen(fed);
  if (signal !== undefined && !(signal instanceof AbortSignal)) throw new TypeError(`Expected \`signal\` to be an AbortSignal, got ${describe(signal)}`);
  const { fnId, specBytes } = engine.functionOf(fn, "fn");
  // A map chunk is an array this package made (a slice): no extra properties to look for.
  const message = newTask(fnId, mode, specBytes, (allocate) => encode(payload, path, allocate, mode !== CALL));
  let job!: Job;
  const promise = new Promise<T>((resolve, reject) => {
    job = { message, signal, resolve: resolve as (value: unknown) => void, reject, onDispatch };
  });
  return { job, promise };
}

/** prepareJob, then submit. */
export function submitJob<T>(engine: Engine, fn: unknown, mode: Mode, payload: unknown, path: string, signal: AbortSignal | undefined, onDispatch?: () => void): { job: Job; promise: Promise<T> } {
  const prepared = prepareJob<T>(engine, fn, mode, payload, path, signal, onDispatch);
  engine.submit(prepared.job);
  return prepared;
}

/** Python's Pool.map chunk size: about four chunks per worker. */
export function autoChunksize(length: number, workers: number): number {
  if (length === 0) return 1;
  return Math.ceil(length / (workers * 4));
}

export function checkChunksize(chunksize: unknown): number | undefined {
  if (chunksize === undefined) return undefined;
  if (typeof chunksize !== "number") throw new TypeError(`Expected \`chunksize\` to be a positive integer, got ${describe(chunksize)}`);
  if (!Number.isInteger(chunksize) || chunksize < 1) throw new ValueError(`Expected \`chunksize\` to be a positive integer, got ${chunksize}`);
  return chunksize;
}

export function checkArgs(args: unknown): unknown[] {
  if (args === undefined) return [];
  if (!Array.isArray(args)) throw new TypeError(`Expected \`args\` to be an array, got ${describe(args)}`);
  return args;
}

/** What `map`-like calls take: any sync or async iterable. */
export type AnyIterable<T> = Iterable<T> | AsyncIterable<T>;

export function iteratorOf<T>(iterable: AnyIterable<T>, what = "iterable"): Iterator<T> | AsyncIterator<T> {
  const source = iterable as Partial<Iterable<T> & AsyncIterable<T>> | null | undefined;
  const asyncIt = source?.[Symbol.asyncIterator];
  if (typeof asyncIt === "function") return asyncIt.call(source);
  const syncIt = source?.[Symbol.iterator];
  if (typeof syncIt === "function") return syncIt.call(source);
  throw new TypeError(`Expected \`${what}\` to be an iterable or an async iterable, got ${describe(iterable)}`);
}

/** Up to `size` next items (fewer at the end; none when exhausted). */
export async function readChunk<T>(iterator: Iterator<T> | AsyncIterator<T>, size: number): Promise<T[]> {
  const chunk: T[] = [];
  while (chunk.length < size) {
    const step = await iterator.next();
    if (step.done) break;
    chunk.push(step.value);
  }
  return chunk;
}

/** Every item of a sync or async iterable. */
export async function collect<T>(iterable: AnyIterable<T>, what: string): Promise<T[]> {
  if (Array.isArray(iterable)) return iterable;
  const iterator = iteratorOf(iterable, what);
  const all: T[] = [];
  for (let step = await iterator.next(); !step.done; step = await iterator.next()) all.push(step.value);
  return all;
}
