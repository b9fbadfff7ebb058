/** Key of the method a Condition calls on its lock; not exported from the package, so it stays internal. */
export const CONDITION_HOOKS = Symbol("multiproc.lock.conditionHooks");

/** What a Condition needs of its lock (Python's `_is_owned`, `_release_save`, `_acquire_restore`). */
export interface ConditionHooks {
  isOwned(): boolean;
  /** Releases the lock completely; returns what `acquireRestore` needs to take it back as it was. */
  releaseSave(): number;
  acquireRestore(saved: number): Promise<void>;
  acquireRestoreSync(saved: number): void;
}
