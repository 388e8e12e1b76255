"""Web API throughput: 32 concurrent clients for 30 s against gunicorn, with zero errors.

Same server as web_latency (flagship bundle, 2 sync workers, one torch thread each, 127.0.0.1).
32 client threads each send POST /api/v1/flagship/ner/predict (one short text) back to back for
the duration; every answer must be a 200 with entities. Reports requests/s and latency under load.
"""

from __future__ import annotations

import argparse
import threading
import time

from _common import emit, machine
from _web import WORKERS, gunicorn, percentile, predict_once, require_bundle


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--quick", action="store_true", help="5 s")
    args = parser.parse_args()
    seconds = 5.0 if args.quick else args.seconds
    require_bundle()
    latencies: list[float] = []
    failures: list[str] = []
    lock = threading.Lock()

    def client(port: int, stop_at: float) -> None:
        while time.monotonic() < stop_at:
            try:
                took, ok = predict_once(port)
                problem = None if ok else "an answer other than 200 with entities"
            except OSError as error:
                problem = repr(error)
            with lock:
                if problem:
                    failures.append(problem)
                else:
                    latencies.append(took * 1000)

    with gunicorn() as port:
        for _ in range(20):
            predict_once(port)
        start = time.monotonic()
        threads = [threading.Thread(target=client, args=(port, start + seconds)) for _ in range(args.clients)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.monotonic() - start
    throughput = len(latencies) / elapsed
    emit(
        {
            "benchmark": "web_throughput",
            "metric": f"POST predict requests/s with {args.clients} concurrent clients for {seconds:g} s (gunicorn)",
            "value": round(throughput, 1),
            "unit": "req/s",
            "target": "0 errors",
            "passed": not failures and bool(latencies),
            "details": {
                "clients": args.clients,
                "seconds": round(elapsed, 1),
                "ok": len(latencies),
                "errors": len(failures),
                "first_errors": failures[:3],
                "p50_ms_under_load": round(percentile(latencies, 50), 1) if latencies else None,
                "p99_ms_under_load": round(percentile(latencies, 99), 1) if latencies else None,
                "workers": WORKERS,
                "machine": machine(),
            },
        }
    )


if __name__ == "__main__":
    main()
