import { describe, expect, it } from "vitest";
import { allocateBlock, defineKind, describeKind, KIND, releaseBlock, retainBlock, reviveHandle, SHAREABLE } from "@multiproc/core/internal";
import { collectGarbage, Counter, Pair, PAIR_KIND } from "@multiproc/test-utils";

describe("reviveHandle()", () => {
  it("where the package of a multiproc kind cannot load on first need (no require(esm)), says which package to import", () => {
    const state = (globalThis as Record<symbol, { loadFailures?: Map<string, unknown> }>)[Symbol.for("multiproc.core")]!;
    const saved = Object.getOwnPropertyDescriptor(process.features, "require_module")!;
    Object.defineProperty(process.features, "require_module", { value: false, configurable: true }); // as on Node 22.0-22.11
    const block = allocateBlock(KIND.Queue, 8);
    try {
      expect(() => reviveHandle(KIND.Queue, block.arena.id, block.offset)).toThrow(
        'Cannot revive a Queue (from @multiproc/queue) in this thread: its package is not loaded here. Import "@multiproc/queue" in this thread (for example in the task module).',
      );
    } finally {
      releaseBlock(block.arena, block.offset); // (not a real queue: freed before the package could load and dispose of it)
      Object.defineProperty(process.features, "require_module", saved);
      state.loadFailures?.delete("@multiproc/queue");
    }
  });

  it("refuses a handle whose arena never reached this thread", () => {
    expect(() => reviveHandle(1000, 12345, 256)).toThrow(/arena \(12345\) never reached this thread/);
  });

  it("refuses a handle to a freed block or a block of another kind", () => {
    const counter = new Counter();
    const block = counter[SHAREABLE]();
    expect(() => reviveHandle(PAIR_KIND, block.arena.id, block.offset)).toThrow(/holds a shareable of custom kind 1000/);
    const freed = allocateBlock(1000, 4);
    releaseBlock(freed.arena, freed.offset);
    expect(() => reviveHandle(1000, freed.arena.id, freed.offset)).toThrow(/it was freed/);
  });
});

describe("defineKind()", () => {
  it("accepts only KIND ids and custom ids", () => {
    const revive = () => ({});
    expect(() => defineKind({ kind: 0, package: "x", revive })).toThrow(RangeError);
    expect(() => defineKind({ kind: 500, package: "x", revive })).toThrow(/an integer from 1000 to 65535/);
    expect(() => defineKind({ kind: 70_000, package: "x", revive })).toThrow(RangeError);
  });

  it("describes kinds for error messages", () => {
    expect(describeKind(KIND.Lock)).toBe("a Lock (from @multiproc/lock)");
    expect(describeKind(4242)).toBe("a shareable of custom kind 4242");
  });
});

describe("block lifetime", () => {
  it("frees a block when every instance holding it is collected, and disposes of what it references", async () => {
    const arena = new Counter()[SHAREABLE]().arena;
    let pair: Pair | undefined = new Pair(new Counter(), new Counter());
    const left = pair.left[SHAREABLE]();
    retainBlock(left); // keep it inspectable after the collection
    const pairBlock = pair[SHAREABLE]();
    const pairOffset = pairBlock.offset;
    pair = undefined;
    await collectGarbage();
    expect(arena.kindOf(pairOffset)).toBe(0);
    expect(arena.refcount(left.offset)).toBe(1);
    releaseBlock(arena, left.offset);
    expect(arena.kindOf(left.offset)).toBe(0);
  });
});
