"""Python peers for the pool workloads. Prints one JSON line: {"ops": n, "ms": elapsed}.

Pool and ProcessPoolExecutor with 2 workers (this machine's cores), the
default start method. Every timing starts with the workers up (a first task
has come back), except `startup`, which times exactly that.
"""
import json
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import Pool

WORKERS = 2


def square(n):
    return n * n


def spin(rounds):
    x = 2463534242
    for _ in range(rounds):
        x ^= (x << 13) & 0xFFFFFFFF
        x ^= x >> 17
        x ^= (x << 5) & 0xFFFFFFFF
    return x


def timed_spin(rounds):
    t = time.perf_counter()
    spin(rounds)
    return time.perf_counter() - t


def timed(fn):
    t = time.perf_counter()
    ops = fn()
    return ops, (time.perf_counter() - t) * 1000


def one_by_one(n):
    with Pool(WORKERS) as pool:
        pool.apply(square, (1,))
        return timed(lambda: [r.get() for r in [pool.apply_async(square, (i,)) for i in range(n)]] and n)


def executor_one_by_one(n):
    with ProcessPoolExecutor(WORKERS) as ex:
        ex.submit(square, 1).result()
        return timed(lambda: [f.result() for f in [ex.submit(square, i) for i in range(n)]] and n)


def map_auto(n):
    with Pool(WORKERS) as pool:
        pool.apply(square, (1,))
        return timed(lambda: len(pool.map(square, range(n))))


def round_trip(n):
    with Pool(WORKERS) as pool:
        pool.apply(square, (1,))
        return timed(lambda: [pool.apply(square, (i,)) for i in range(n)] and n)


def make_bytes(n):
    return bytes([n & 255]) * n


def big_result(n):
    with Pool(WORKERS) as pool:
        pool.apply(square, (1,))
        return timed(lambda: [pool.apply(make_bytes, (1 << 20,)) for _ in range(n)] and n)


def startup(n):
    total = 0.0
    for _ in range(n):
        t = time.perf_counter()
        pool = Pool(WORKERS)
        pool.apply(square, (1,))
        total += time.perf_counter() - t
        pool.terminate()
        pool.join()
    return n, total * 1000


def cpu(n):
    """n tasks of ~200 ms each (as one run on one core here); returns the speedup as ops over 1000 ms."""
    rounds = 200_000
    t = time.perf_counter()
    spin(rounds)
    rounds = int(rounds * 0.2 / (time.perf_counter() - t))
    with Pool(WORKERS) as pool:
        # One task alone, timed in a worker (the best of 3): a worker process may run at another speed than this one.
        serial = min(pool.apply(timed_spin, (rounds,)) for _ in range(3))
        t = time.perf_counter()
        pool.map(spin, [rounds] * n, chunksize=1)
        wall = time.perf_counter() - t
    return n * serial / wall, 1000


def busy(ms):
    end = time.perf_counter() + ms / 1000
    while time.perf_counter() < end:
        pass
    return ms


def uneven(durations):
    """The ideal makespan over the measured one, for these task lengths (ms) on 2 workers (as idealMakespan in pool.mjs)."""
    free = [0] * WORKERS
    for d in durations:
        free[free.index(min(free))] += d
    ideal = max(free)
    with Pool(WORKERS) as pool:
        pool.apply(square, (1,))
        t = time.perf_counter()
        pool.map(busy, durations, chunksize=1)
        wall = (time.perf_counter() - t) * 1000
    return ideal / wall, 1000


def uneven_alternating(n):
    return uneven([50 if i % 2 else 400 for i in range(n)])


def uneven_mixed(n):
    return uneven([1 + (i * 7919 + 13) % 200 for i in range(n)])


if __name__ == "__main__":
    workload, size = sys.argv[1], int(sys.argv[2])
    fns = {"one_by_one": one_by_one, "executor_one_by_one": executor_one_by_one, "map_auto": map_auto, "round_trip": round_trip, "big_result": big_result, "startup": startup, "cpu": cpu, "uneven_alternating": uneven_alternating, "uneven_mixed": uneven_mixed}
    ops, ms = fns[workload](size)
    print(json.dumps({"ops": ops, "ms": ms}))
