// The only pending work is a getUnreferenced() on an empty queue: it must not
// keep the process alive, so Node exits with code 13 (unsettled top-level await).
import { Queue } from "@multiproc/queue";
import { getUnreferenced } from "@multiproc/queue/internal";

await getUnreferenced(new Queue(), { timeout: 60_000 });
console.log("the unreferenced get kept the process alive");
