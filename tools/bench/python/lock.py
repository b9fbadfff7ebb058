"""Python peers for the lock workloads. Prints one JSON line: {"ops": n, "ms": elapsed}."""
import json
import sys
import time
from multiprocessing import Array, Barrier, Lock, Process, Value


def uncontended(n):
    lock = Lock()
    t = time.perf_counter()
    for _ in range(n):
        lock.acquire()
        lock.release()
    return n, (time.perf_counter() - t) * 1000


def count(lock, counter, n, barrier, times, i):
    barrier.wait()
    times[2 * i] = time.perf_counter()
    for _ in range(n):
        with lock:
            counter.value += 1
    times[2 * i + 1] = time.perf_counter()


def contended(n):
    lock, counter, barrier, times = Lock(), Value("i", 0, lock=False), Barrier(2), Array("d", 4, lock=False)
    procs = [Process(target=count, args=(lock, counter, n, barrier, times, i)) for i in range(2)]
    for p in procs:
        p.start()
    for p in procs:
        p.join()
    assert counter.value == 2 * n, counter.value
    return 2 * n, (max(times[1], times[3]) - min(times[0], times[2])) * 1000


if __name__ == "__main__":
    workload, size = sys.argv[1], int(sys.argv[2])
    ops, ms = {"uncontended": uncontended, "contended": contended}[workload](size)
    print(json.dumps({"ops": ops, "ms": ms}))
