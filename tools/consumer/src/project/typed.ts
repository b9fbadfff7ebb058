// A user's TypeScript: types resolve from the published .d.ts, tasks are typed.
import { Pool, Queue, SharedValue, task, type WaitOptions } from "multiproc";
import type { Connection } from "@multiproc/pipe";

declare const jobs: { square(n: number): number };
const square = task<typeof jobs.square>(new URL("./jobs.mjs", import.meta.url), "square");

export async function main(conn: Connection): Promise<number> {
  const pool = new Pool({ processes: 1 });
  const results: number[] = await pool.map(square, [1, 2]);
  const one: number = await pool.apply(square, [3]);
  const queue = new Queue<{ n: number }>({ maxsize: 2 });
  const options: WaitOptions = { timeout: 10 };
  await queue.put({ n: one }, options);
  const counter = new SharedValue("i", 0);
  counter.value += results.length;
  conn.send(counter.value);
  await pool.terminate();
  return counter.value;
}
