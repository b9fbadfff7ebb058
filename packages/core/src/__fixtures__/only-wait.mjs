// The only pending work is one waitAsync: the process must stay alive until it
// ends. Without a keep-alive, Node exits early with code 13 (unsettled await).
import { waitAsync } from "@multiproc/core/internal";

const cell = new Int32Array(new SharedArrayBuffer(4));
const woke = await waitAsync(cell, 0, () => 0, { timeout: 300 });
console.log(`timed out: ${!woke}`);
