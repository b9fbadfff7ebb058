// The cluster bench's task: as cheap as a task gets, so the figures are the
// scale-out machinery's (Redis, BullMQ, the hand-offs), not the work's.
export function identity(x) {
  return x;
}
