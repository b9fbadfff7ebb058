import { inspect } from "node:util";
import { afterEach, describe, expect, it, vi } from "vitest";
import { TimeoutError } from "@multiproc/core/internal";
import { asCompleted, CancelledError, Future, InvalidStateError, wait } from "@multiproc/pool";

/** What process.stderr receives while `fn` runs. */
async function stderrOf(fn: () => unknown): Promise<string> {
  let text = "";
  const spy = vi.spyOn(process.stderr, "write").mockImplementation((chunk: string | Uint8Array) => {
    text += String(chunk);
    return true;
  });
  try {
    await fn();
  } finally {
    spy.mockRestore();
  }
  return text;
}

afterEach(() => vi.restoreAllMocks());

describe("Future (standalone)", () => {
  it("is completed by setResult or setException, once; a second set is an InvalidStateError", async () => {
    const ok = new Future<number>();
    expect([ok.done(), ok.running(), String(ok)]).toEqual([false, false, expect.stringMatching(/^<Future at 0x[0-9a-f]+ state=pending>$/)]);
    expect(ok.setRunningOrNotifyCancel()).toBe(true);
    expect(ok.running()).toBe(true);
    expect(String(ok)).toMatch(/state=running>$/);
    ok.setResult(42);
    expect(await ok.result()).toBe(42);
    expect(String(ok)).toMatch(/state=finished returned number>$/);
    expect(inspect(ok)).toBe(String(ok));
    expect(() => ok.setResult(1)).toThrow(InvalidStateError);
    expect(() => ok.setException(new Error("late"))).toThrow(InvalidStateError);
    expect(() => ok.setRunningOrNotifyCancel()).toThrow(InvalidStateError);
    expect(await ok.result()).toBe(42);

    const bad = new Future();
    bad.setException(new RangeError("no"));
    expect(await bad.exception()).toBeInstanceOf(RangeError);
    await expect(bad.result()).rejects.toThrow("no");
    expect(String(bad)).toMatch(/state=finished raised RangeError>$/);
  });

  it("setRunningOrNotifyCancel() returns false for a cancelled future, which cannot be set after", async () => {
    const future = new Future();
    expect(future.cancel()).toBe(true);
    expect(future.cancel()).toBe(true);
    expect(future.setRunningOrNotifyCancel()).toBe(false);
    expect(() => future.setResult(1)).toThrow(InvalidStateError);
    await expect(future.result()).rejects.toThrow(CancelledError);
    expect(String(future)).toMatch(/state=cancelled>$/);
    const running = new Future();
    running.setRunningOrNotifyCancel();
    expect(running.cancel()).toBe(false);
  });

  it("result() and exception() take a timeout as a number or options, negative meaning 0, and an AbortSignal", async () => {
    const future = new Future();
    await expect(future.result(-1)).rejects.toThrow(TimeoutError);
    await expect(future.result({ timeout: -5 })).rejects.toThrow(TimeoutError);
    await expect(future.exception(10)).rejects.toThrow(TimeoutError);
    await expect(future.result({ signal: AbortSignal.abort(new Error("stop")) })).rejects.toThrow("stop");
    const controller = new AbortController();
    const waiting = future.result({ signal: controller.signal });
    controller.abort(new Error("later"));
    await expect(waiting).rejects.toThrow("later");
    await expect(future.result(Number.NaN)).rejects.toThrow(/NaN/);
    await expect(future.result("5" as never)).rejects.toThrow(TypeError);
    future.setResult("x");
    expect(await future.result(-1)).toBe("x");
  });
});

describe("Future.addDoneCallback()", () => {
  it("logs a callback's error to stderr with its stack and runs the callbacks after it", async () => {
    const future = new Future<number>();
    const calls: string[] = [];
    future.addDoneCallback(() => calls.push("first"));
    future.addDoneCallback(() => {
      throw new Error("callback broke");
    });
    future.addDoneCallback(() => calls.push("third"));
    const text = await stderrOf(() => future.setResult(1));
    expect(calls).toEqual(["first", "third"]);
    expect(text).toMatch(/^exception calling callback for <Future at 0x[0-9a-f]+ state=finished returned number>\n/);
    expect(text).toContain("Error: callback broke");
    expect(text).toMatch(/at .*future\.test\.ts/); // the stack
  });

  it("on a finished future, calls at once and logs (never rethrows) the callback's error", async () => {
    const future = new Future();
    future.setResult(1);
    const text = await stderrOf(() =>
      future.addDoneCallback(() => {
        throw new TypeError("at once");
      }),
    );
    expect(text).toContain("TypeError: at once");
  });
});

describe("wait() and asCompleted()", () => {
  it("asCompleted says how many futures are unfinished, as Python does", async () => {
    const futures = [new Future(), new Future(), new Future(), new Future()];
    futures[0]!.setResult(1);
    futures[1]!.setResult(2);
    const seen: Future[] = [];
    const error = await (async () => {
      for await (const f of asCompleted(futures, 30)) seen.push(f as unknown as Future);
    })().catch((e: unknown) => e);
    expect(seen).toEqual([futures[0], futures[1]]);
    expect(error).toBeInstanceOf(TimeoutError);
    expect((error as Error).message).toBe("2 (of 4) futures unfinished");
  });

  it("take a number as the timeout, treat a negative one as 0, and stop on an AbortSignal", async () => {
    const pending = new Future();
    const done = new Future();
    done.setResult(0);
    const quick = await wait([pending, done], -1);
    expect([quick.done.has(done), quick.notDone.has(pending)]).toEqual([true, true]);
    await expect(wait([pending], { signal: AbortSignal.abort(new Error("aborted")) })).rejects.toThrow("aborted");
    await expect(asCompleted([pending], { signal: AbortSignal.abort(new Error("gone")) }).next()).rejects.toThrow("gone");
    await expect(asCompleted([pending], -1).next()).rejects.toThrow("1 (of 1) futures unfinished");
  });
});
