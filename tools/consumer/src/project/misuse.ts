// Misuse the types must catch (each line must be an error, or tsc reports an unused @ts-expect-error):
// proof that the installed .d.ts files are what tsc reads, and that they are not `any`.
import { Pool, Queue, task } from "multiproc";

declare const jobs: { square(n: number): number };
const square = task<typeof jobs.square>(new URL("./jobs.mjs", import.meta.url), "square");
const pool = new Pool();
// @ts-expect-error: apply's args are typed from the task
void pool.apply(square, ["three"]);
// @ts-expect-error: an option that does not exist
new Queue({ maxSize: 3 });
// @ts-expect-error: a result typed from the task
const text: string = await pool.apply(square, [2]);
void text;
// @ts-expect-error: internals are not part of the public API
import { lockMutex } from "multiproc";
// @ts-expect-error: nor of @multiproc/core's
import { encode } from "@multiproc/core";
void lockMutex;
void encode;
