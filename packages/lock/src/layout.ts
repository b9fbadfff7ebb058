/**
 * Payload of a Lock or RLock block (int32 words):
 *
 * ```
 * 0 STATE        0 unlocked, 1 locked, 2 locked and someone may be sleeping on it
 * 1 OWNER_TID    threadId + 1 of the thread that acquired it; 0 none (or not yet written)
 * 2 OWNER_RECORD offset of that thread's liveness record in this arena; 0 unknown
 * 3 COUNT        RLock: how many times the owner holds it
 * ```
 * STATE is the futex word of "Futexes Are Tricky" (mutex3); the owner words
 * serve RLock ownership, Condition's "caller must hold the lock" check, and
 * the detection of an owner that died holding the lock.
 */
export const STATE = 0;
export const OWNER_TID = 1;
export const OWNER_RECORD = 2;
export const COUNT = 3;
export const LOCK_WORDS = 4;

export const UNLOCKED = 0;
export const LOCKED = 1;
export const CONTENDED = 2;

/**
 * Payload of a Condition block:
 *
 * ```
 * 0-1 LOCK_REF   the lock it uses (arena id, offset), a counted reference
 * 2   LOCK_KIND  KIND.Lock or KIND.RLock
 * 3   SEQ        bumped by every notify; waiters sleep on it
 * 4   WAITERS    waiters registered and not yet notified
 * 5   TOKENS     notifications granted and not yet taken
 * ```
 * Invariant: WAITERS + TOKENS = threads inside wait() that have not left it.
 * A waiter registers while holding the lock, notify (also under the lock)
 * moves min(n, WAITERS) into TOKENS, and every waiter leaves by taking
 * exactly one unit: a token (it was notified) or a WAITERS count (it timed
 * out or was aborted before being notified). So notify(n) wakes at most n;
 * and only waiters registered before a notify may take its tokens (see
 * condition-word.ts), so none is woken by a notify that preceded its wait.
 */
export const LOCK_REF = 0;
export const LOCK_KIND = 2;
export const SEQ = 3;
export const WAITERS = 4;
export const TOKENS = 5;
export const CONDITION_WORDS = 6;

/** How long a waiter sleeps before it checks again whether the owner is still alive. */
export const OWNER_CHECK_MS = 100;
