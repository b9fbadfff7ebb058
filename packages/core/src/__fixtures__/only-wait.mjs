// The only pending work is async waits: the process must stay alive until
// they end. Without a keep-alive, Node exits early with code 13 (unsettled
// await). Modes: "one" (a single wait), "overlapping" (a short and a long
// wait at once: the long one must keep the process alive after the short one
// ends), "unreferenced" (a wait told not to keep it alive: Node exits 13).
import { waitAsync } from "@multiproc/core/internal";

const cell = new Int32Array(new SharedArrayBuffer(4));
const mode = process.argv[2] ?? "one";
if (mode === "one") {
  const woke = await waitAsync(cell, 0, () => 0, { timeout: 300 });
  console.log(`timed out: ${!woke}`);
} else if (mode === "overlapping") {
  const long = waitAsync(cell, 0, () => 0, { timeout: 400 });
  await waitAsync(cell, 0, () => 0, { timeout: 50 });
  console.log(`short ended, long timed out: ${!(await long)}`);
} else {
  await waitAsync(cell, 0, () => 0, { timeout: 60_000 }, Infinity, false);
  console.log("the unreferenced wait kept the process alive");
}
