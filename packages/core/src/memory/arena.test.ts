import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { allocateBlock, Arena, homeArena, releaseBlock, retainBlock } from "@multiproc/core/internal";
import { runFixture } from "@multiproc/test-utils";

describe("Arena", () => {
  describe("allocate()", () => {
    it("returns zeroed, 16-byte aligned, non-overlapping blocks of at least the asked size", () => {
      const blocks = [1, 16, 17, 100, 4096, 70_000].map((size) => allocateBlock(1000, size));
      for (const block of blocks) {
        expect(block.payloadOffset % 16).toBe(0);
        expect(block.bytes().every((b) => b === 0)).toBe(true);
      }
      const spans = blocks.map((b) => [b.offset, b.payloadOffset + b.payloadBytes] as const).sort((a, b) => a[0] - b[0]);
      for (let i = 1; i < spans.length; i++) expect(spans[i]![0]).toBeGreaterThanOrEqual(spans[i - 1]![1]);
      for (const block of blocks) releaseBlock(block.arena, block.offset);
    });

    it("reuses a freed block, zeroed again", () => {
      const first = allocateBlock(1000, 40);
      first.bytes().fill(7);
      const offset = first.offset;
      releaseBlock(first.arena, first.offset);
      const second = allocateBlock(1000, 40);
      expect(second.offset).toBe(offset);
      expect(second.bytes().every((b) => b === 0)).toBe(true);
      releaseBlock(second.arena, second.offset);
    });

    it("grows the buffer for blocks beyond its size, and reuses large blocks", () => {
      const arena = homeArena();
      const before = arena.buffer.byteLength;
      const big = allocateBlock(1000, before + 3 * 1024 * 1024);
      expect(arena.buffer.byteLength).toBeGreaterThan(before);
      big.bytes(big.payloadBytes - 1, 1)[0] = 1;
      const offset = big.offset;
      releaseBlock(big.arena, big.offset);
      const again = allocateBlock(1000, before + 3 * 1024 * 1024);
      expect(again.offset).toBe(offset);
      expect(again.bytes(again.payloadBytes - 1, 1)[0]).toBe(0);
      releaseBlock(again.arena, again.offset);
    });

    it("refuses sizes beyond the arena's maximum with a RangeError", () => {
      expect(() => allocateBlock(1000, 2 ** 33)).toThrow(RangeError);
      expect(() => allocateBlock(1000, -1)).toThrow(/non-negative integer/);
      expect(() => allocateBlock(1000, 1.5)).toThrow(/non-negative integer/);
    });

    it("keeps blocks apart when two threads allocate and free at once", async () => {
      const start = new Int32Array(new SharedArrayBuffer(4));
      const results = await Promise.all(
        [1, 2].map((id) => runFixture(new URL("../__fixtures__/arena-stress.mjs", import.meta.url), { id, rounds: 2000, start })),
      );
      expect(results).toEqual([{ corrupt: 0 }, { corrupt: 0 }]);
    });
  });

  describe("release()", () => {
    it("frees a block only when the last reference goes", () => {
      const block = allocateBlock(1000, 8);
      const live = block.arena.liveBlocks();
      retainBlock(block);
      releaseBlock(block.arena, block.offset);
      expect(block.arena.refcount(block.offset)).toBe(1);
      expect(block.arena.liveBlocks()).toBe(live);
      releaseBlock(block.arena, block.offset);
      expect(block.arena.liveBlocks()).toBe(live - 1);
      expect(block.arena.kindOf(block.offset)).toBe(0);
    });

    it("throws on a release without a reference", () => {
      const block = allocateBlock(1000, 8);
      releaseBlock(block.arena, block.offset);
      expect(() => block.arena.release(block.offset)).toThrow(/released more often than retained/);
    });
  });

  describe("adopt()", () => {
    it("refuses a buffer that is not an arena", () => {
      expect(() => Arena.adopt(new SharedArrayBuffer(1024))).toThrow(/arena header/);
    });

    it("returns the same Arena for the same buffer", () => {
      const arena = homeArena();
      expect(Arena.adopt(arena.buffer)).toBe(arena);
    });
  });

  it("when full, reclaims the blocks of instances that are gone before it fails (no finalizer has run yet)", () => {
    const fixture = fileURLToPath(new URL("../__fixtures__/fill-arena.mjs", import.meta.url));
    const run = spawnSync(process.execPath, [fixture], { encoding: "utf8", timeout: 120_000 });
    expect(run.stderr).toBe("");
    expect(JSON.parse(run.stdout)).toEqual({ made: 72, live: expect.any(Number) });
    expect(JSON.parse(run.stdout).live).toBeLessThan(64); // what fits in 4 GiB
  });

  it("says what to do when the arena is full of live blocks", () => {
    const fixture = `
      import { allocateBlock, bindBlock, KIND } from "@multiproc/core/internal";
      const keep = [];
      try {
        for (;;) { const owner = {}; bindBlock(owner, allocateBlock(KIND.Buffer, 256 * 2 ** 20)); keep.push(owner); }
      } catch (error) { console.log(error.message); }`;
    const run = spawnSync(process.execPath, ["--input-type=module", "-e", fixture], { encoding: "utf8", timeout: 120_000, cwd: fileURLToPath(new URL(".", import.meta.url)) });
    expect(run.stdout).toMatch(/the arena is full \(4294901760 bytes, 1[45] blocks in use\)\. close\(\) what you no longer use/);
  });
});
