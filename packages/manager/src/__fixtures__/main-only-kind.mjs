// A shareable kind whose module loads only where the test allowed it (its
// own thread): a manager thread cannot load it, so it cannot revive one.
import { allocateBlock, bindBlock, defineKind, FIRST_CUSTOM_KIND, SHAREABLE } from "@multiproc/core/internal";

if (!globalThis.mainOnlyKindAllowed) throw new Error("main-only-kind loads only in the test's thread");

const MAIN_ONLY_KIND = FIRST_CUSTOM_KIND + 77;

export class MainOnly {
  #block;

  constructor(block) {
    this.#block = block ?? allocateBlock(MAIN_ONLY_KIND, 4);
    bindBlock(this, this.#block);
  }

  [SHAREABLE]() {
    return this.#block;
  }
}

defineKind({ kind: MAIN_ONLY_KIND, package: "main-only-kind", moduleUrl: import.meta.url, revive: (block) => new MainOnly(block) });
