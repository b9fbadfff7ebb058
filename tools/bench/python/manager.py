"""Python peer for the manager workload: a dict proxy's get and set from another process. Prints one JSON line: {"ops": n, "ms": elapsed}."""
import json
import sys
import time
from multiprocessing import Array, Manager, Process


def client(d, steps, times):
    start = time.perf_counter()
    for _ in range(steps):
        d["k"] = d["k"] + 1
    times[0] = (time.perf_counter() - start) * 1000


def dict_round_trips(n):
    with Manager() as manager:
        d = manager.dict({"k": 0})
        times = Array("d", 1, lock=False)
        p = Process(target=client, args=(d, n // 2, times))
        p.start()
        p.join()
        assert d["k"] == n // 2, d["k"]
        return n, times[0]


if __name__ == "__main__":
    workload, size = sys.argv[1], int(sys.argv[2])
    ops, ms = {"dict": dict_round_trips}[workload](size)
    print(json.dumps({"ops": ops, "ms": ms}))
