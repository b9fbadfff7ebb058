// A registered type for remote managers: every object made by "Tally" is the same tally,
// so clients in other processes share it (as Python's `register("get_dict", lambda: shared)`).
class Tally {
  #counts = new Map();
  add(key, by = 1) {
    const value = (this.#counts.get(key) ?? 0) + by;
    this.#counts.set(key, value);
    return value;
  }
  get(key) {
    return this.#counts.get(key) ?? 0;
  }
}

const shared = new Tally();

export function sharedTally() {
  return shared;
}
