/**
 * Payload of an Event block: word 0 FLAG, 1 when set. Waiters sleep on it
 * while it is 0; set() notifies them all.
 */
export const FLAG = 0;
export const EVENT_WORDS = 1;

/**
 * Payload of a Barrier block (Python's threading.Barrier state machine):
 *
 * ```
 * 0 MUTEX       core's robust futex mutex; held only for short steps, never across a sleep or the action
 * 1 SEQ         bumped (and notified) on every change waiters may care about
 * 2 STATE       FILLING, RELEASING (the last party runs the action), DRAINING, RESETTING, BROKEN
 * 3 COUNT       parties inside wait() in this generation
 * 4 PARTIES
 * 5 ACTION_LEN  bytes of the encoded action spec (0: no action)
 * 6-7           (float64 at byte 24) the default timeout, Infinity for none
 * 8..           SLOTS: who is inside wait(), by index: threadId + 1, 0 once it left (the first MAX_SLOTS indices)
 * then          the action spec, codec-encoded, so any thread can run it
 * ```
 * A generation starts FILLING; the last arrival makes it RELEASING and runs
 * the action outside the mutex; then DRAINING until every party has left,
 * when it is FILLING again. Arrivals wait while it is RELEASING or DRAINING,
 * so generations never mix. Waiters look at the slots every CHECK_MS: a
 * party that died inside wait() breaks the barrier (or, once released,
 * counts as having left), as a party's timeout does.
 */
export const MUTEX = 0;
export const SEQ = 1;
export const STATE = 2;
export const COUNT = 3;
export const PARTIES = 4;
export const ACTION_LEN = 5;
export const TIMEOUT_BYTE = 24;
export const SLOTS_AT = 32;
export const HEADER_WORDS = SLOTS_AT / 4;
/** Parties tracked in SLOTS; a barrier of more parties watches only the first this many. */
export const MAX_SLOTS = 4096;
/** How often a waiter looks whether a party inside wait() died. */
export const CHECK_MS = 100;

/** Byte offset of the action spec in a barrier of `parties` parties. */
export function actionAt(parties: number): number {
  return SLOTS_AT + ((Math.min(parties, MAX_SLOTS) * 4 + 7) & ~7);
}

export const FILLING = 0;
export const RELEASING = 2;
export const DRAINING = 1;
export const RESETTING = -1;
export const BROKEN = -2;
