import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Manager, ManagerClosedError, type SyncManager } from "@multiproc/manager";

// A shareable kind whose module loads only in this test's thread
// (__fixtures__/main-only-kind.mjs). Once it is defined here, every thread
// started from here imports it at its start and fails: this file has it to
// itself (vitest runs each test file in a process of its own).
const FIXTURE = new URL("./__fixtures__/main-only-kind.mjs", import.meta.url).href;

async function defineMainOnly(): Promise<new () => object> {
  (globalThis as { mainOnlyKindAllowed?: boolean }).mainOnlyKindAllowed = true;
  return (await import(FIXTURE)).MainOnly;
}

let manager: SyncManager;

beforeAll(async () => {
  manager = await Manager(); // before the kind exists: this manager starts
});

afterAll(async () => {
  await manager.shutdown();
});

describe("a shareable kind a manager thread cannot load", () => {
  it("a request with one as an argument fails with the manager's error, and the manager serves on", async () => {
    const MainOnly = await defineMainOnly();
    const d = await manager.dict<string, unknown>();
    // Before, the manager thread ended at such a request: this call and every later one never settled.
    await expect(d.set("x", new MainOnly())).rejects.toThrow(/^Cannot revive a shareable of custom kind \d+ in this thread/);
    expect(() => d.setSync("x", new MainOnly())).toThrow(/^Cannot revive a shareable of custom kind \d+ in this thread/);
    await d.set("n", 1);
    expect([await d.size(), d.getSync("n")]).toEqual([1, 1]);
  });

  it("Manager() rejects with ManagerClosedError naming the cause when its thread cannot start (it blocked this thread for good)", async () => {
    await defineMainOnly();
    const failed = Manager();
    await expect(failed).rejects.toThrow(ManagerClosedError);
    await expect(failed).rejects.toThrow("The manager thread failed to start: main-only-kind loads only in the test's thread");
  });
});
