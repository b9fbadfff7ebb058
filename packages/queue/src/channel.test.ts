import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { unbindBlock } from "@multiproc/core";
import { KIND } from "@multiproc/core/internal";
import "@multiproc/queue"; // defines the queue kinds here: their disposal runs when a test's queue is let go of
import { type Channel, itemsIn, repairHead, repairTail } from "./channel.js";
import { GETS, HEAD, HEAD_LOCK, HEAD_SEG, NEXT_SEG, PUTS, SPARE, TAIL, TAIL_SEG } from "./layout.js";
import { getItemNowait, putItemNowait } from "./operations.js";
import { openQueue } from "./queue.js";

/**
 * A thread that dies inside a put or a get leaves the queue in one of a few
 * states, one per store of the operation. These tests make each state by
 * doing the operation and then putting back the words it had not written
 * yet when it "died", then run the repair the next lock holder would run,
 * and check that the queue holds exactly what it should, in order.
 */
const payload = (segment: number) => segment + 16;
const item = (i: number) => `item ${i} `.padEnd(1000, ".");

/** The owners of the queues a test made: each is disposed of after the test (see afterEach). */
const owners: object[] = [];

function queue(maxsize = 0): Channel {
  const owner = {};
  owners.push(owner);
  return openQueue(owner, KIND.Queue, { maxsize });
}

function put(channel: Channel, i: number): void {
  putItemNowait(channel, item(i));
}

/** Gets every item left, as the numbers they were put with. */
function drain(channel: Channel): number[] {
  const got: number[] = [];
  while (itemsIn(channel.words) > 0) got.push(Number((getItemNowait(channel) as string).split(" ")[1]));
  return got;
}

function restore(channel: Channel, before: Int32Array, words: number[]): void {
  for (const word of words) channel.words[word] = before[word]!;
}

/** Puts items 0.. until the next put would start a new segment; returns how many. */
function fillSegment(channel: Channel): number {
  for (let i = 0; ; i++) {
    const before = channel.words.slice();
    put(channel, i);
    if (channel.words[TAIL_SEG] !== before[TAIL_SEG]) {
      // One too far: undo it as a put that died before its commit, whose repair gives its segment back.
      const next = channel.words[TAIL_SEG]!;
      restore(channel, before, [PUTS, TAIL, TAIL_SEG]);
      channel.words[NEXT_SEG] = next;
      repairTail(channel);
      expect(channel.words[SPARE]).toBe(next);
      return i;
    }
  }
}

const range = (from: number, to: number) => Array.from({ length: to - from }, (_, k) => from + k);

describe("a queue whose put or get died half done", () => {
  let warned: string[] = [];
  beforeEach(() => {
    warned = [];
    vi.spyOn(process, "emitWarning").mockImplementation(((_: string, options: { code: string }) => void warned.push(options.code)) as never);
  });
  afterEach(() => {
    vi.restoreAllMocks();
    // A repaired queue is whole: its disposal (the queue package's, as when
    // its last instance is collected) releases each of its blocks once. A
    // block given back twice throws here ("released more often than retained").
    for (const owner of owners.splice(0)) expect(unbindBlock(owner)).toBe(true);
  });

  it("a put that died before its commit leaves no trace", () => {
    const channel = queue();
    put(channel, 0);
    const before = channel.words.slice();
    put(channel, 1);
    restore(channel, before, [PUTS, TAIL, TAIL_SEG]);
    repairTail(channel);
    expect(warned).toEqual(["MULTIPROC_ABANDONED_LOCK"]);
    put(channel, 2);
    expect(drain(channel)).toEqual([0, 2]);
  });

  it("a put that committed but did not move TAIL keeps its item", () => {
    const channel = queue();
    put(channel, 0);
    const before = channel.words.slice();
    put(channel, 1);
    restore(channel, before, [TAIL]);
    repairTail(channel);
    put(channel, 2);
    expect(drain(channel)).toEqual([0, 1, 2]);
  });

  it("a put crossing to a new segment: before its commit the new segment is dropped, after it TAIL moves there", () => {
    for (const committed of [false, true]) {
      const channel = queue();
      const n = fillSegment(channel);
      const before = channel.words.slice();
      put(channel, n);
      const next = channel.words[TAIL_SEG]!;
      expect(next).not.toBe(before[TAIL_SEG]);
      restore(channel, before, committed ? [TAIL, TAIL_SEG] : [PUTS, TAIL, TAIL_SEG]);
      channel.words[NEXT_SEG] = next;
      repairTail(channel);
      expect(channel.words[NEXT_SEG]).toBe(0);
      expect(channel.words[TAIL_SEG]).toBe(committed ? next : before[TAIL_SEG]);
      put(channel, n + 1);
      expect(drain(channel)).toEqual(committed ? range(0, n + 2) : [...range(0, n), n + 1]);
    }
  });

  it("a get that committed but did not move HEAD loses that one item, no other", () => {
    const channel = queue();
    for (let i = 0; i < 3; i++) put(channel, i);
    const before = channel.words.slice();
    getItemNowait(channel);
    restore(channel, before, [HEAD]);
    repairHead(channel);
    expect(warned).toEqual(["MULTIPROC_ABANDONED_LOCK"]);
    expect(channel.words[GETS]).toBe(1);
    expect(drain(channel)).toEqual([1, 2]);
  });

  it("a get that crossed into the next segment and died before HEAD_SEG finishes the crossing", () => {
    const channel = queue();
    const n = fillSegment(channel);
    put(channel, n);
    put(channel, n + 1);
    for (let i = 0; i < n; i++) getItemNowait(channel);
    const before = channel.words.slice();
    getItemNowait(channel); // crosses the JUMP, then takes item n
    const crossedTo = channel.words[HEAD_SEG]!;
    expect(crossedTo).not.toBe(before[HEAD_SEG]);
    restore(channel, before, [GETS, HEAD_SEG, SPARE]); // (the get gave its old segment back after HEAD_SEG moved)
    channel.words[HEAD] = payload(crossedTo); // HEAD moved, the take not committed
    repairHead(channel);
    expect(channel.words[HEAD_SEG]).toBe(crossedTo);
    expect(drain(channel)).toEqual([n, n + 1]);
  });

  it("a queue with nothing half done is left as it was", () => {
    const channel = queue(10);
    for (let i = 0; i < 4; i++) put(channel, i);
    getItemNowait(channel);
    const before = channel.words.slice();
    repairTail(channel);
    repairHead(channel);
    for (const word of [PUTS, GETS, TAIL, TAIL_SEG, HEAD, HEAD_SEG, NEXT_SEG]) expect(channel.words[word], `word ${word}`).toBe(before[word]);
    expect(drain(channel)).toEqual([1, 2, 3]);
  });

  it("a log that agrees with neither state is reported, not guessed at", () => {
    const channel = queue();
    put(channel, 0);
    channel.words[PUTS] = 5;
    expect(() => repairTail(channel)).toThrow(/a queue's log is corrupt: the record at its tail has SEQ 1 where 5 or 4 belongs/);
    channel.words[PUTS] = 1; // whole again, for its disposal when collected
    expect(drain(channel)).toEqual([0]);
  });

  it("a get that finds the log corrupt throws and leaves the get lock free for the next", () => {
    const channel = queue();
    channel.words[PUTS] = 1; // the count says an item is there; the log ends
    expect(() => getItemNowait(channel)).toThrow(/a queue's log is corrupt \(its count says an item is there, its log ends\)/);
    expect(channel.words[HEAD_LOCK]).toBe(0);
    channel.words[PUTS] = 0; // whole again, for its disposal when collected
  });
});
