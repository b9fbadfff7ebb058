// A registered type whose every object is one shared tally (clients in other processes count on it).
const counts = new Map();

export function sharedTally() {
  return {
    add: (key, by = 1) => {
      counts.set(key, (counts.get(key) ?? 0) + by);
      return counts.get(key);
    },
    get: (key) => counts.get(key) ?? 0,
  };
}
