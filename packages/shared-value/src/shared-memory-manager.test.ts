import { describe, expect, it } from "vitest";
import { Process } from "@multiproc/process";
import { Queue } from "@multiproc/queue";
import { ShareableList, SharedMemory, SharedMemoryManager, ValueError } from "@multiproc/shared-value";

describe("ShareableList.close()", () => {
  it("lets go of this instance's memory; reading, writing or sending it afterwards throws ValueError", () => {
    const sl = new ShareableList([1, "two"]);
    expect(sl.closed).toBe(false);
    sl.close();
    sl.close(); // idempotent
    expect(sl.closed).toBe(true);
    expect(() => sl.get(0)).toThrow(ValueError);
    expect(() => sl.set(0, 5)).toThrow("This ShareableList is closed");
    expect(() => sl.toArray()).toThrow(ValueError);
    expect(() => new Queue().putNowait(sl)).toThrow(/closed ShareableList/);
    expect(String(sl)).toBe("ShareableList(<closed>)");
    {
      using scoped = new ShareableList([0]);
      expect(scoped.get(0)).toBe(0);
    }
  });
});

describe("SharedMemoryManager", () => {
  it("makes SharedMemory and ShareableLists that work across processes, and closes them all at shutdown", async () => {
    const smm = new SharedMemoryManager();
    const sl = smm.shareableList([0, "main"]);
    const mem = smm.sharedMemory(16);
    expect(mem).toBeInstanceOf(SharedMemory);
    expect([smm.size, mem.size, sl.length]).toEqual([2, 16, 2]);
    const ready = new Queue<string>();
    const go = new Queue<string>();
    const child = new Process({
      target: (list: ShareableList, memory: SharedMemory, ready: Queue<string>, go: Queue<string>) => {
        list.set(0, 41);
        memory.buf[0] = 7;
        ready.putSync("written");
        go.getSync(); // the parent has shut its manager down by now: this copy still holds the memory
        list.set(0, (list.get(0) as number) + 1);
        ready.putSync(`${list.get(0)} ${list.get(1)} ${memory.buf[0]}`);
      },
      args: [sl, mem, ready, go],
    });
    child.start();
    expect(await ready.get()).toBe("written");
    expect([sl.get(0), mem.buf[0]]).toEqual([41, 7]);
    smm.shutdown();
    expect([sl.closed, mem.closed, smm.size, smm.isShutdown]).toEqual([true, true, 0, true]);
    await go.put("go");
    expect(await ready.get()).toBe("42 main 7");
    await child.join();
    expect(child.exitCode).toBe(0);
    expect(() => smm.shareableList([1])).toThrow(ValueError);
    expect(() => smm.sharedMemory(8)).toThrow("This SharedMemoryManager was shut down");
    smm.shutdown(); // idempotent
  });

  it("closes at the end of a using block; counts only what is still open; refuses bad sizes and items", () => {
    let kept: ShareableList;
    {
      using smm = new SharedMemoryManager();
      kept = smm.shareableList([1, 2, 3]);
      const early = smm.sharedMemory(8);
      early.close();
      expect(smm.size).toBe(1);
      expect(() => smm.sharedMemory(0)).toThrow(ValueError);
      expect(() => smm.sharedMemory("8" as never)).toThrow(TypeError);
      expect(() => smm.shareableList([{}] as never)).toThrow(TypeError);
      expect(smm.size).toBe(1);
    }
    expect(kept.closed).toBe(true);
  });
});
