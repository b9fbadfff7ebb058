/**
 * Payload of a Semaphore or BoundedSemaphore block (int32 words):
 *
 * ```
 * 0 VALUE    the counter; acquire takes 1 when it is above 0, release adds n
 * 1 BOUND    BoundedSemaphore: the initial value, which release may not exceed
 * ```
 * Waiters sleep on VALUE while it is 0; release notifies as many as it adds.
 */
export const VALUE = 0;
export const BOUND = 1;
export const SEMAPHORE_WORDS = 2;

export const MAX_VALUE = 2 ** 31 - 1;
