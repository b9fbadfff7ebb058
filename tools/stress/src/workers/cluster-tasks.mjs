// The cluster scenario's task: its argument back, so each future can be checked against its own input.
export function echo(value) {
  return value;
}
