// Task functions for the pool tests, by reference.
export const square = (n) => n * n;
export const add = (a, b) => a + b;
export async function slowDouble(n) {
  await new Promise((resolve) => setTimeout(resolve, 5));
  return 2 * n;
}
export function fail(message) {
  const error = new RangeError(message, { cause: new Error("the cause") });
  error.detail = { n: 42 };
  throw error;
}
/** Throws an Error whose name is `name` (say "toString", a member of Object.prototype). */
export function throwNamed(name) {
  throw Object.assign(new Error(`named ${name}`), { name });
}
/** n * 10, except for 3: a ValueError-like RangeError (the item imap's error tests fail on). */
export function tenfoldBut3(n) {
  if (n === 3) throw new RangeError(`bad ${n}`);
  return n * 10;
}
export function exit(code) {
  process.exit(code);
}
export function throwOutside() {
  setTimeout(() => {
    throw new Error("thrown from a timer");
  }, 0);
  return new Promise(() => {}); // never settles: the timer's error kills the worker
}
export function hog() {
  const keep = [];
  for (;;) keep.push(new Array(1e5).fill(Math.random()));
}
/** Blocks this worker until word 0 of the SharedArray is non-zero; counts itself in word 1. */
export function blockUntil(shared) {
  const cell = shared.raw;
  Atomics.add(cell, 1, 1);
  Atomics.notify(cell, 1);
  while (Atomics.load(cell, 0) === 0) Atomics.wait(cell, 0, 0, 1000);
  return "released";
}
export function threadId() {
  return import("node:worker_threads").then((m) => m.threadId);
}
export function init(value) {
  globalThis.initValue = value;
}
export function initValue() {
  return globalThis.initValue;
}
export function initFails() {
  throw new Error("no database");
}
export function bump(counter, times) {
  for (let i = 0; i < times; i++) counter.add(1);
  return counter.value;
}
export function returnsFunction() {
  return () => 1;
}
/** Leaves a timer behind that counts in word 1 of the SharedArray, three times, after the task has returned. */
export function leaveTimer(shared) {
  const cell = shared.raw;
  let ticks = 0;
  const timer = setInterval(() => {
    Atomics.add(cell, 1, 1);
    Atomics.notify(cell, 1);
    if (++ticks === 3) clearInterval(timer);
  }, 1);
  return "returned";
}
/** Big buffers both ways: returns the bytes reversed and their sum as a one-element Float64Array. */
export function reverseAndSum(bytes) {
  let sum = 0;
  for (let i = 0; i < bytes.length; i++) sum += bytes[i];
  return { reversed: bytes.reverse(), sum: new Float64Array([sum]) };
}
/** Notes the order in which the calls started: word 1 + index gets the start number (word 0 counts); returns this worker's threadId. */
export async function recordStart(shared, index) {
  const cell = shared.raw;
  cell[1 + index] = Atomics.add(cell, 0, 1);
  return (await import("node:worker_threads")).threadId;
}
export const identity = (value) => value;
