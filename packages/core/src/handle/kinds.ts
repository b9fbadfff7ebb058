/**
 * Kind ids of the shareable classes of multiproc, as stored in block headers
 * and handles. Fixed here, in one place, so that a handle names its kind even
 * in a thread that has not loaded the package that defines it, and the error
 * can say which package to import. Ids from FIRST_CUSTOM_KIND up are free for
 * shareable classes defined outside multiproc.
 */
export const KIND = {
  Lock: 1,
  RLock: 2,
  Condition: 3,
  Semaphore: 4,
  BoundedSemaphore: 5,
  Event: 6,
  Barrier: 7,
  SharedValue: 8,
  SharedArray: 9,
  SharedMemory: 10,
  Queue: 11,
  SimpleQueue: 12,
  JoinableQueue: 13,
  Connection: 14,
  /** Internal buffers owned by another block (queue rings, pipe buffers). */
  Buffer: 15,
  /** A thread's liveness record (thread/records.ts). */
  ThreadRecord: 16,
  ShareableList: 17,
  ManagerProxy: 18,
  Manager: 19,
} as const;

/** The first kind id free for shareable classes of your own (`defineKind`); ids below it are multiproc's. */
export const FIRST_CUSTOM_KIND = 1000;
export const MAX_KIND = 0xffff;
/** The highest of multiproc's own kind ids. */
export const LAST_BUILTIN_KIND = Math.max(...Object.values(KIND));

const PACKAGE_OF_KIND: Record<number, string> = {
  [KIND.Lock]: "@multiproc/lock",
  [KIND.RLock]: "@multiproc/lock",
  [KIND.Condition]: "@multiproc/lock",
  [KIND.Semaphore]: "@multiproc/semaphore",
  [KIND.BoundedSemaphore]: "@multiproc/semaphore",
  [KIND.Event]: "@multiproc/event",
  [KIND.Barrier]: "@multiproc/event",
  [KIND.SharedValue]: "@multiproc/shared-value",
  [KIND.SharedArray]: "@multiproc/shared-value",
  [KIND.SharedMemory]: "@multiproc/shared-value",
  [KIND.ShareableList]: "@multiproc/shared-value",
  [KIND.ManagerProxy]: "@multiproc/manager",
  [KIND.Manager]: "@multiproc/manager",
  [KIND.Queue]: "@multiproc/queue",
  [KIND.SimpleQueue]: "@multiproc/queue",
  [KIND.JoinableQueue]: "@multiproc/queue",
  [KIND.Connection]: "@multiproc/pipe",
};

/** "a Queue (from @multiproc/queue)", for error messages about kinds this thread lacks. */
export function describeKind(kind: number): string {
  const name = Object.entries(KIND).find(([, id]) => id === kind)?.[0];
  const pkg = PACKAGE_OF_KIND[kind];
  return name && pkg ? `a ${name} (from ${pkg})` : `a shareable of custom kind ${kind}`;
}

export function packageOfKind(kind: number): string | undefined {
  return PACKAGE_OF_KIND[kind];
}

/** Whether `name` is one of the multiproc packages that define the kinds above. */
export function isKindPackage(name: string): boolean {
  return Object.values(PACKAGE_OF_KIND).includes(name);
}
