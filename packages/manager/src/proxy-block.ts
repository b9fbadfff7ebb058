import { allocateBlock, blockOf, dropStoredBlock, KIND, reviveStoredBlock, SHAREABLE, storeBlock, type Block, type Shareable } from "@multiproc/core/internal";
import type { Queue } from "@multiproc/queue";
import type { SharedArray } from "@multiproc/shared-value";
import { linkOf, type Link } from "./link.js";
import { CUSTOM_TYPE, MANAGER_ID, RELEASE, TYPEIDS, type Request, type Typeid } from "./protocol.js";

/**
 * A proxy's block (int32 words): which object of which manager it stands
 * for. Every proxy of one object, in any thread, shares this block, so its
 * reference count is the number of proxies of the object alive anywhere
 * (and in flight in queues): when the last goes, `disposeProxyBlock` tells
 * the manager to drop the object. A thread that dies holding proxies has
 * its references released by its parent, which also ends here.
 * ```
 *  0 OBJECT_ID   the object's id in the manager
 *  1 TYPE        index in TYPEIDS, or CUSTOM_TYPE (a registered type)
 *  2 MANAGER_ID  the manager's id (a thread's links are by manager)
 *  3 (unused)
 *  4 INBOX       stored block of the manager's inbox Queue (2 words)
 *  6 STATE       stored block of the manager's state SharedArray (2 words)
 * ```
 */
const OBJECT_ID = 0;
const TYPE = 1;
const MANAGER = 2;
const INBOX = 4;
const STATE = 6;
const WORDS = 8;

/** The TYPE word of a proxy of `typeid` (undefined: a registered type). */
export function typeCodeOf(typeid: Typeid | undefined): number {
  return typeid === undefined ? CUSTOM_TYPE : TYPEIDS.indexOf(typeid);
}

/**
 * Manager side (or a remote manager's client thread): the block of a new
 * proxy of object `objectId`, of the TYPE `typeCode`.
 */
export function newProxyBlock(inbox: Queue<Request>, state: SharedArray<"i">, objectId: number, typeCode: number): Block {
  const block = allocateBlock(KIND.ManagerProxy, WORDS * 4);
  const words = block.int32(0, WORDS);
  words[OBJECT_ID] = objectId;
  words[TYPE] = typeCode;
  words[MANAGER] = state.get(MANAGER_ID);
  storeBlock(words, INBOX, inbox[SHAREABLE]());
  storeBlock(words, STATE, state[SHAREABLE]());
  return block;
}

/** What a proxy block says: the object, its type, and this thread's link to its manager. */
export function readProxyBlock(block: Block): { objectId: number; typeid: Typeid | undefined; link: Link } {
  const words = block.int32(0, WORDS);
  return { objectId: words[OBJECT_ID]!, typeid: TYPEIDS[words[TYPE]!], link: linkFor(words) };
}

/** Which manager's object a shareable stands for, if it is a proxy (for a remote manager's wire). */
export function proxyIdentity(shareable: Shareable): { managerId: number; objectId: number; typeCode: number } | undefined {
  const block = blockOf(shareable);
  if (block.kind !== KIND.ManagerProxy) return undefined;
  const words = block.int32(0, WORDS);
  return { managerId: words[MANAGER]!, objectId: words[OBJECT_ID]!, typeCode: words[TYPE]! };
}

/** The kind's dispose: the last proxy of the object is gone, anywhere: the manager may drop it. */
export function disposeProxyBlock(block: Block): void {
  const words = block.int32(0, WORDS);
  try {
    linkFor(words).post([RELEASE, 0, 0, words[OBJECT_ID]!, "", []]);
  } finally {
    dropStoredBlock(words, INBOX);
    dropStoredBlock(words, STATE);
  }
}

function linkFor(words: Int32Array): Link {
  return linkOf(words[MANAGER]!, () => ({
    inbox: reviveStoredBlock(words, INBOX, KIND.Queue) as Queue<Request>,
    state: reviveStoredBlock(words, STATE, KIND.SharedArray) as SharedArray<"i">,
  }));
}
