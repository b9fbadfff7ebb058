// The payloads every messaging workload sends, built the same way for every contender.
export const ITEM_KINDS = {
  int: () => 42,
  string100: () => "x".repeat(100),
  bytes64k: () => new Uint8Array(64 * 1024).fill(7),
};

export function makeItem(kind) {
  return ITEM_KINDS[kind]();
}
