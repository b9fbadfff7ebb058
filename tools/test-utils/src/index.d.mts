import type { Block, Shareable, SHAREABLE } from "@multiproc/core";

export declare const COUNTER_KIND: number;
export declare const PAIR_KIND: number;
export declare class Counter implements Shareable {
  constructor(block?: Block);
  add(n?: number): number;
  readonly value: number;
  [SHAREABLE](): Block;
}
export declare class Pair implements Shareable {
  constructor(left: Counter, right: Counter);
  readonly left: Counter;
  readonly right: Counter;
  [SHAREABLE](): Block;
}
export declare function runFixture(url: URL, data: unknown, transferList?: readonly unknown[]): Promise<any>;
export declare function startFixture(
  url: URL,
  data: unknown,
  options?: { transferList?: readonly unknown[]; resourceLimits?: import("node:worker_threads").ResourceLimits },
): { worker: import("node:worker_threads").Worker; message: Promise<any>; exited: Promise<{ code: number; error: Error | undefined }> };
export declare function collectGarbage(): Promise<void>;
export declare function fixtureData(): Promise<any>;
export declare function nextAll(iterator: AsyncIterator<unknown>): Promise<unknown[]>;
