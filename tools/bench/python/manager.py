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


def remote_round_trips(n):
    """A remote SyncManager (its server process started here) and a client connected to its address, as a remote Node client is."""
    from multiprocessing.managers import SyncManager

    server = SyncManager(address=("127.0.0.1", 0), authkey=b"bench")
    server.start()
    try:
        client = SyncManager(address=server.address, authkey=b"bench")
        client.connect()
        d = client.dict({"k": 0})
        start = time.perf_counter()
        for _ in range(n // 2):
            d["k"] = d["k"] + 1
        ms = (time.perf_counter() - start) * 1000
        assert d["k"] == n // 2, d["k"]
        return n, ms
    finally:
        server.shutdown()


if __name__ == "__main__":
    workload, size = sys.argv[1], int(sys.argv[2])
    ops, ms = {"dict": dict_round_trips, "remote": remote_round_trips}[workload](size)
    print(json.dumps({"ops": ops, "ms": ms}))
