// A worker that echoes every item of a Queue (to another Queue) or of a Pipe
// end (back on the same end) until "stop", checking buffer ownership on arrival.
import { fixtureData } from "@multiproc/test-utils";
import { echo } from "./echo.mjs";

const { input, output } = await fixtureData();
if (output) {
  for (let item = input.getSync(); item !== "stop"; item = input.getSync()) output.putSync(echo(item.value));
} else {
  for (let item = input.recvSync(); item !== "stop"; item = input.recvSync()) input.send(echo(item.value));
}
