"""Python peer for the shared-value workload. Prints one JSON line: {"ops": n, "ms": elapsed}."""
import json
import sys
import time
from multiprocessing import Array, Barrier, Process, Value
from multiprocessing.shared_memory import ShareableList


def count(value, n, barrier, times, i):
    barrier.wait()
    times[2 * i] = time.perf_counter()
    for _ in range(n):
        with value.get_lock():
            value.value += 1
    times[2 * i + 1] = time.perf_counter()


def locked(n):
    value, barrier, times = Value("i", 0), Barrier(2), Array("d", 4, lock=False)
    procs = [Process(target=count, args=(value, n, barrier, times, i)) for i in range(2)]
    for p in procs:
        p.start()
    for p in procs:
        p.join()
    assert value.value == 2 * n, value.value
    return 2 * n, (max(times[1], times[3]) - min(times[0], times[2])) * 1000


def shareable_list(n):
    """n reads and n writes of items of a ShareableList: sl[k] = sl[k] + 1."""
    sl = ShareableList([0, "x" * 8, 0.5, 0, 0, 0, 0, 0])
    try:
        start = time.perf_counter()
        for i in range(n):
            k = i & 7 if (i & 7) != 1 else 0
            sl[k] = sl[k] + 1
        ms = (time.perf_counter() - start) * 1000
        return n, ms
    finally:
        sl.shm.close()
        sl.shm.unlink()


if __name__ == "__main__":
    workload, size = sys.argv[1], int(sys.argv[2])
    ops, ms = {"locked": locked, "shareable_list": shareable_list}[workload](size)
    print(json.dumps({"ops": ops, "ms": ms}))
