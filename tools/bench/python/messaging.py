"""Python peers for Queue throughput and Pipe round trips. Prints one JSON line: {"ops": n, "ms": elapsed}."""
import json
import sys
import time
from multiprocessing import Array, Barrier, Pipe, Process, Queue

ITEMS = {"int": lambda: 42, "string100": lambda: "x" * 100, "bytes64k": lambda: bytes([7]) * 65536}


def produce(q, kind, n, barrier, times):
    item = ITEMS[kind]()
    barrier.wait()
    times[0] = time.perf_counter()
    for _ in range(n):
        q.put(item)
    times[1] = time.perf_counter()


def consume(q, n, barrier, times):
    barrier.wait()
    times[2] = time.perf_counter()
    for _ in range(n):
        q.get()
    times[3] = time.perf_counter()


def queue(kind, n):
    q, barrier, times = Queue(maxsize=4096), Barrier(2), Array("d", 4, lock=False)
    procs = [Process(target=produce, args=(q, kind, n, barrier, times)), Process(target=consume, args=(q, n, barrier, times))]
    for p in procs:
        p.start()
    for p in procs:
        p.join()
    return n, (max(times[1], times[3]) - min(times[0], times[2])) * 1000


def echo(conn):
    # A None ends the loop: with fork the child also inherits the parent's end,
    # so EOF would never come.
    while (message := conn.recv()) is not None:
        conn.send(message)


def pipe(n):
    here, there = Pipe()
    p = Process(target=echo, args=(there,))
    p.start()
    there.close()
    here.send(-1)
    here.recv()
    t = time.perf_counter()
    for i in range(n):
        here.send(i)
        here.recv()
    ms = (time.perf_counter() - t) * 1000
    here.send(None)
    here.close()
    p.join()
    return n, ms


if __name__ == "__main__":
    workload, size = sys.argv[1], int(sys.argv[2])
    if workload.startswith("queue-"):
        ops, ms = queue(workload[len("queue-"):], size)
    else:
        ops, ms = {"pipe": pipe}[workload](size)
    print(json.dumps({"ops": ops, "ms": ms}))
