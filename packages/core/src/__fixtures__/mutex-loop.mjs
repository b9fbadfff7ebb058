// Takes two shared mutexes, nested, in an endless loop: a thread stopped at a
// random point would often be holding one. Counts its rounds in word 2.
import { lockMutex, unlockMutex } from "@multiproc/core/internal";
import { fixtureData } from "@multiproc/test-utils";

const { words } = await fixtureData();
for (;;) {
  lockMutex(words, 0);
  lockMutex(words, 1);
  Atomics.add(words, 2, 1);
  unlockMutex(words, 1);
  unlockMutex(words, 0);
  if (Atomics.load(words, 2) === 1000) Atomics.notify(words, 2);
}
