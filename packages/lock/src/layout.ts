/**
 * Payload of a Lock or RLock block (int32 words):
 *
 * ```
 * 0 STATE   0 unlocked; else the owner's threadId + 1, with CONTENDED (core's) set once a waiter may sleep
 * 1 COUNT   RLock: how many times the owner holds it
 * ```
 * STATE is the futex word of "Futexes Are Tricky" (mutex3) with the owner in
 * it: one compare-exchange takes the lock and records who holds it, so a
 * waiter can always tell whether the holder has died, at any instant of its
 * life (the robust-futex idea). The owner serves RLock ownership and
 * Condition's "caller must hold the lock" check too.
 */
export const STATE = 0;
export const COUNT = 1;
export const LOCK_WORDS = 4;

export const UNLOCKED = 0;

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
