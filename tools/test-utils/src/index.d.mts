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
export declare function collectGarbage(): Promise<void>;
export declare function fixtureData(): Promise<any>;
