"""Predict latency of the web API: one short NER text per request, one client, against gunicorn.

gunicorn serves the flagship bundle (models/model) on 127.0.0.1 with 2 sync workers, one torch
thread each; after a warm-up, N sequential POST /api/v1/flagship/ner/predict requests of one
20-character sentence are timed end to end (new TCP connection each, as a sync worker closes
it). Targets on 2 CPU cores: p50 <= 10 ms and p99 <= 50 ms, every answer a 200 with entities.
"""

from __future__ import annotations

import argparse
import statistics

from _common import emit, machine
from _web import SHORT_TEXT, WORKERS, gunicorn, percentile, predict_once, require_bundle

P50_TARGET_MS, P99_TARGET_MS = 10.0, 50.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--quick", action="store_true", help="200 requests")
    args = parser.parse_args()
    n = 200 if args.quick else args.requests
    require_bundle()
    with gunicorn() as port:
        for _ in range(50):
            predict_once(port)
        timings = [predict_once(port) for _ in range(n)]
    latencies = [seconds * 1000 for seconds, _ in timings]
    errors = sum(not ok for _, ok in timings)
    p50, p99 = percentile(latencies, 50), percentile(latencies, 99)
    emit(
        {
            "benchmark": "web_latency",
            "metric": "POST predict of one short NER text via gunicorn: p50 / p99 latency (ms), one client",
            "value": {"p50_ms": round(p50, 2), "p99_ms": round(p99, 2)},
            "unit": "ms",
            "target": f"p50 <= {P50_TARGET_MS} ms, p99 <= {P99_TARGET_MS} ms, 0 errors",
            "passed": p50 <= P50_TARGET_MS and p99 <= P99_TARGET_MS and errors == 0,
            "details": {
                "requests": n,
                "errors": errors,
                "mean_ms": round(statistics.fmean(latencies), 2),
                "max_ms": round(max(latencies), 2),
                "text": SHORT_TEXT,
                "workers": WORKERS,
                "machine": machine(),
            },
        }
    )


if __name__ == "__main__":
    main()
