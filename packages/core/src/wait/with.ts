/** Acquire, run `fn`, and always release: the body of every `withLock`. */
export async function withAcquired<T>(acquire: () => Promise<boolean>, release: () => void, fn: () => T | Promise<T>): Promise<T> {
  if (typeof fn !== "function") throw new TypeError(`Expected a function to run while holding the lock, got ${typeof fn}`);
  await acquire();
  try {
    return await fn();
  } finally {
    release();
  }
}

/** The blocking twin of `withAcquired`. */
export function withAcquiredSync<T>(acquire: () => boolean, release: () => void, fn: () => T): T {
  if (typeof fn !== "function") throw new TypeError(`Expected a function to run while holding the lock, got ${typeof fn}`);
  acquire();
  try {
    return fn();
  } finally {
    release();
  }
}
