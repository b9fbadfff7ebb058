// Queue throughput: worker 0 puts n items, worker 1 gets them.
import { makeItem } from "../items.mjs";
import { begin, end } from "./gate.mjs";

export function role(queue, kind, n, gate, i) {
  const item = makeItem(kind);
  begin(gate, i);
  if (i === 0) for (let k = 0; k < n; k++) queue.putSync(item);
  else for (let k = 0; k < n; k++) queue.getSync();
  end(gate, i);
}
