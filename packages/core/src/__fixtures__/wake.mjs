// Sets word 0 of the given cell after the parent signals it is waiting (word 1).
import { fixtureData } from "@multiproc/test-utils";

const { cell } = await fixtureData();
while (Atomics.load(cell, 1) === 0) Atomics.wait(cell, 1, 0, 100);
Atomics.store(cell, 0, 1);
Atomics.notify(cell, 0);
