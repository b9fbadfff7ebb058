// A worker that echoes `count` items of a Queue (to another Queue) or of a
// Pipe end (back on the same end), checking buffer ownership on arrival.
// With `top`, each item is a value sent as it is, and goes back as it is:
// top-level values take the codec's own paths (strings, numbers, bytes),
// which values inside an object never reach.
import { fixtureData } from "@multiproc/test-utils";
import { echo } from "./echo.mjs";

const { input, output, count, top } = await fixtureData();
const reply = (item) => (top ? item : echo(item.value));
for (let i = 0; i < count; i++) {
  if (output) output.putSync(reply(input.getSync()));
  else input.send(reply(input.recvSync()));
}
