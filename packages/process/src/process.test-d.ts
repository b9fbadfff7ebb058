// Type-level tests, checked by the typecheck target (tsc).
import { expectTypeOf } from "vitest";
import { Process, task, type ProcessOptions } from "@multiproc/process";

declare function square(x: number): number;

const typed = task<typeof square>(new URL("file:///jobs.js"), "square");
expectTypeOf<ProcessOptions<typeof typed>["args"]>().toEqualTypeOf<[x: number] | undefined>();
new Process({ target: typed, args: [3] });
// @ts-expect-error: a string is not a number
new Process({ target: typed, args: ["3"] });

new Process({ target: (a: string, b: number) => a.repeat(b), args: ["x", 2] });
// @ts-expect-error: the second argument is missing
new Process({ target: (a: string, b: number) => a.repeat(b), args: ["x"] });

// An untyped task reference takes any arguments.
new Process({ target: task("/abs/jobs.js", "anything"), args: [1, "two", { three: 3 }] });
