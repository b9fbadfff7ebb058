import { describe, expect, it } from "vitest";
import { childThreadEnded, currentThreadRecord, isThreadAlive, prepareChildThread } from "@multiproc/core";
import { threadId } from "node:worker_threads";

describe("thread records", () => {
  it("say a child is alive until the parent ends its record, and a grandchild dies with it", () => {
    const me = currentThreadRecord();
    expect(isThreadAlive(me.arena, me.offset, threadId)).toBe(true);
    const child = prepareChildThread("child");
    const childTid = 4242;
    // What the child does at start-up (adoptThreadRecord), done here by hand.
    const w = (child.record.payloadOffset >>> 2) + 1;
    Atomics.store(me.arena.i32, w, childTid);
    expect(isThreadAlive(me.arena, child.record.offset, childTid)).toBe(true);
    expect(isThreadAlive(me.arena, child.record.offset, childTid + 1)).toBe(false);
    childThreadEnded(child);
    expect(isThreadAlive(me.arena, child.record.offset, childTid)).toBe(false);
    expect(isThreadAlive(me.arena, 0, 1)).toBe(true);
  });
});
