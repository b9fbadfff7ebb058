import type { Counter } from "@multiproc/test-utils";

interface Options {
  readonly times: number;
}

export function addTyped(counter: Counter, options: Options): void {
  counter.add(options.times satisfies number);
}
