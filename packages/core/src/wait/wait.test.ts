import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { ValueError, waitAsync, waitSync } from "@multiproc/core/internal";
import { runFixture } from "@multiproc/test-utils";

const WAKE = new URL("../__fixtures__/wake.mjs", import.meta.url);
const isSet = (cell: Int32Array) => () => (Atomics.load(cell, 0) === 1 ? true : 0);

const onlyWait = (mode: string) =>
  promisify(execFile)(process.execPath, [new URL("../__fixtures__/only-wait.mjs", import.meta.url).pathname, mode], { timeout: 20_000 });

describe("waitSync()", () => {
  it("returns true at once when the attempt succeeds", () => {
    const cell = new Int32Array(new SharedArrayBuffer(8));
    cell[0] = 1;
    expect(waitSync(cell, 0, isSet(cell))).toBe(true);
  });

  it("returns false after the timeout, not before", () => {
    const cell = new Int32Array(new SharedArrayBuffer(8));
    const started = performance.now();
    expect(waitSync(cell, 0, isSet(cell), { timeout: 50 })).toBe(false);
    expect(performance.now() - started).toBeGreaterThanOrEqual(49);
  });

  it("tries once without sleeping for timeout 0, and for a negative timeout (as Python)", () => {
    const cell = new Int32Array(new SharedArrayBuffer(8));
    expect(waitSync(cell, 0, isSet(cell), { timeout: 0 })).toBe(false);
    const started = performance.now();
    expect(waitSync(cell, 0, isSet(cell), { timeout: -1 })).toBe(false);
    expect(waitSync(cell, 0, isSet(cell), -Infinity)).toBe(false);
    expect(performance.now() - started).toBeLessThan(1000);
    cell[0] = 1;
    expect(waitSync(cell, 0, isSet(cell), -5)).toBe(true);
  });

  it("takes a number as the timeout", () => {
    const cell = new Int32Array(new SharedArrayBuffer(8));
    const started = performance.now();
    expect(waitSync(cell, 0, isSet(cell), 50)).toBe(false);
    expect(performance.now() - started).toBeGreaterThanOrEqual(49);
  });

  it("rejects bad options with clear errors", () => {
    const cell = new Int32Array(new SharedArrayBuffer(8));
    expect(() => waitSync(cell, 0, isSet(cell), { timeout: Number.NaN })).toThrow(ValueError);
    expect(() => waitSync(cell, 0, isSet(cell), Number.NaN)).toThrow(ValueError);
    expect(() => waitSync(cell, 0, isSet(cell), { timeout: "5" as never })).toThrow(TypeError);
    expect(() => waitSync(cell, 0, isSet(cell), { signal: {} as never })).toThrow(/AbortSignal/);
    expect(() => waitSync(cell, 0, isSet(cell), "5" as never)).toThrow(/a timeout in milliseconds or options like \{ timeout, signal \}/);
  });

  it("throws the reason of an already aborted signal without trying", () => {
    const cell = new Int32Array(new SharedArrayBuffer(8));
    cell[0] = 1;
    let tries = 0;
    const reason = new Error("stop");
    expect(() => waitSync(cell, 0, () => (tries++, true), { signal: AbortSignal.abort(reason) })).toThrow(reason);
    expect(tries).toBe(0);
  });

  it("wakes when another thread changes the word", async () => {
    const cell = new Int32Array(new SharedArrayBuffer(8));
    const done = runFixture(WAKE, { cell });
    const attempt = () => {
      Atomics.store(cell, 1, 1);
      Atomics.notify(cell, 1);
      return Atomics.load(cell, 0) === 1 ? (true as const) : 0;
    };
    expect(waitSync(cell, 0, attempt, { timeout: 20_000 })).toBe(true);
    await done;
  });
});

describe("waitAsync()", () => {
  it("wakes when another thread changes the word, without blocking the event loop", async () => {
    const cell = new Int32Array(new SharedArrayBuffer(8));
    const done = runFixture(WAKE, { cell });
    const waiting = waitAsync(cell, 0, isSet(cell), { timeout: 20_000 });
    let ticks = 0;
    await new Promise((resolve) => setImmediate(resolve)).then(() => ticks++);
    Atomics.store(cell, 1, 1);
    Atomics.notify(cell, 1);
    await expect(waiting).resolves.toBe(true);
    expect(ticks).toBe(1);
    await done;
  });

  it("keeps the event loop alive while it sleeps", async () => {
    const { stdout } = await onlyWait("one");
    expect(stdout).toBe("timed out: true\n");
  });

  it("keeps the event loop alive while any sleep is pending, when sleeps overlap", async () => {
    const { stdout } = await onlyWait("overlapping");
    expect(stdout).toBe("short ended, long timed out: true\n");
  });

  it("does not keep the event loop alive when told not to (keepAlive false)", async () => {
    // Node ends a program whose top-level await can no longer settle with exit code 13.
    await expect(onlyWait("unreferenced")).rejects.toMatchObject({ code: 13, stdout: "" });
  });

  it("resolves false after the timeout", async () => {
    const cell = new Int32Array(new SharedArrayBuffer(8));
    const started = performance.now();
    await expect(waitAsync(cell, 0, isSet(cell), { timeout: 50 })).resolves.toBe(false);
    expect(performance.now() - started).toBeGreaterThanOrEqual(49);
  });

  it("rejects with the signal's reason when aborted while sleeping, and the attempt never succeeds after", async () => {
    const cell = new Int32Array(new SharedArrayBuffer(8));
    const controller = new AbortController();
    const waiting = waitAsync(cell, 0, isSet(cell), { signal: controller.signal });
    setImmediate(() => controller.abort(new Error("cancelled")));
    await expect(waiting).rejects.toThrow("cancelled");
  });

  it("rejects (never throws synchronously) on bad options", async () => {
    const cell = new Int32Array(new SharedArrayBuffer(8));
    const result = waitAsync(cell, 0, isSet(cell), { timeout: Number.NaN });
    await expect(result).rejects.toThrow(ValueError);
    await expect(waitAsync(cell, 0, isSet(cell), -5)).resolves.toBe(false);
  });

  it("does not pile up V8 waiters when many waits are aborted", async () => {
    const cell = new Int32Array(new SharedArrayBuffer(8));
    for (let i = 0; i < 200; i++) {
      const controller = new AbortController();
      const waiting = waitAsync(cell, 0, isSet(cell), { signal: controller.signal });
      controller.abort();
      await expect(waiting).rejects.toThrow();
    }
    // Every aborted waiter was notified away: nobody is left on the word.
    expect(Atomics.notify(cell, 0)).toBe(0);
  });
});
