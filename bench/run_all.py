"""Run the CPU benchmarks and write bench/results.md.

Runs trainer_overhead, preprocess_speedup, startup, dvc_noop, threads (one epoch with 1 vs 2
torch threads, alone and beside a busy process), web_latency and web_throughput (these two
serve the flagship bundle: run `make demo` first) and hf_trainer (mtf's Trainer vs the Hugging
Face Trainer on a tiny BERT), bert_cpu (a bert-base tagger's training step on the CPU) and
distill (the flagship's ensemble vs its distilled student: run both pipelines first) and
seq2seq_decoding (beam search with and without the key/value cache on the translation task's
bundle: run its pipeline first) and kg_qa (QA latency through the web app and the medical
graph's build time: run its pipeline first) and experiments (the experiments dashboard's page,
cold and warm, over 50 DVC experiments of a task it generates) and scale (a tagging task's
preprocess, dataset and train stages on 1x, 10x and 100x Resume NER train: peak memory and
throughput beside jieba's cut and a numpy encode), each as its own process (so one's imports,
threads and memory do not colour another's numbers), reads the JSON line each
prints last, and writes a table (measured value, target, pass/fail, the command that
reproduces it) with the machine and date. bench/gpu_results.json, written by
``bench/gpu_amp.py --out bench/gpu_results.json`` on a GPU machine, is added as its own section.
Full sizes by default; ``--quick`` shrinks every benchmark to prove it runs (its numbers are
not meaningful). Exit status 1 if a benchmark could not run (or, with ``--strict``, missed its
target).
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from _common import ROOT, machine

BENCHMARKS = (
    "trainer_overhead",
    "preprocess_speedup",
    "startup",
    "dvc_noop",
    "threads",
    "web_latency",
    "web_throughput",
    "hf_trainer",
    "bert_cpu",
    "distill",
    "seq2seq_decoding",
    "kg_qa",
    "experiments",
    "scale",
)
THREADED = ("trainer_overhead", "dvc_noop")  # accept --threads
NEEDS_DATA = ("trainer_overhead", "preprocess_speedup", "dvc_noop", "threads", "hf_trainer", "scale")
GPU_RESULTS = ROOT / "bench" / "gpu_results.json"
QUICK_NOTE = "**quick** (shrunk sizes: proves the scripts run; the numbers are not meaningful)"


def display_python() -> str:
    python = Path(sys.executable)
    try:
        return str(python.relative_to(ROOT))
    except ValueError:
        return str(python)


def command(name: str, args: argparse.Namespace) -> list[str]:
    cmd = [sys.executable, f"bench/{name}.py"]
    if args.quick:
        cmd.append("--quick")
    if args.threads and name in THREADED:
        cmd += ["--threads", str(args.threads)]
    return cmd


def shown(name: str, cmd: list[str]) -> str:
    """The command as a person would type it in the repo root."""
    text = shlex.join([display_python(), *cmd[1:]])
    if os.environ.get("MTF_DATA_MIRROR") and name in NEEDS_DATA:
        # The variable, not this machine's path: the command must read the same anywhere.
        text = f"MTF_DATA_MIRROR=<datasets folder> {text}"
    return text


def run_one(name: str, cmd: list[str]) -> dict[str, Any]:
    print(f"== {name}: {shlex.join(cmd)}", file=sys.stderr, flush=True)
    start = time.perf_counter()
    done = subprocess.run(cmd, cwd=ROOT, stdout=subprocess.PIPE, text=True)  # stderr: through
    seconds = time.perf_counter() - start
    lines = [line for line in done.stdout.splitlines() if line.strip()]
    for line in lines[:-1]:
        print(line, file=sys.stderr)
    try:
        result = json.loads(lines[-1])
    except (IndexError, json.JSONDecodeError):
        result = {"benchmark": name, "error": f"exit {done.returncode}, no JSON result line", "passed": False}
    if done.returncode != 0 and "error" not in result and result.get("passed"):
        result["error"] = f"exit {done.returncode}"
    result["wall_s"] = round(seconds, 1)
    print(f"   {name}: {result.get('value')} {result.get('unit', '')} ({verdict(result)})", file=sys.stderr)
    return result


def verdict(result: dict[str, Any]) -> str:
    if "value" not in result:
        return "ERROR"
    return "pass" if result.get("passed") else "FAIL"


def measured(result: dict[str, Any]) -> str:
    if "value" not in result:
        return f"error: {result.get('error', '?')}"
    value = result["value"]
    if isinstance(value, dict):  # several numbers, e.g. {"p50_ms": 4.9, "p99_ms": 6.6}
        return ", ".join(f"{key} {number}" for key, number in value.items())
    return f"{value} {result.get('unit', '')}".strip()


def table_row(cells: list[str]) -> str:
    return "| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |"


def render(results: list[tuple[str, str, dict[str, Any]]], quick: bool) -> str:
    info = machine()
    now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    lines = [
        "# Benchmark results",
        "",
        f"- date: {now}",
        f"- machine: {info['cpu_count']} CPUs, {info['platform']}",
        f"- python {info['python']}, torch {info.get('torch', 'not installed')} "
        f"({info.get('torch_threads', '?')} intra-op threads by default)",
        f"- mode: {QUICK_NOTE if quick else 'full'}",
        "- written by `make bench` (`python bench/run_all.py`); each row's command reproduces it alone, "
        "from the repo root",
        "",
        table_row(["benchmark", "measured", "target", "result", "command"]),
        table_row(["---"] * 5),
    ]
    for name, cmd, result in results:
        lines.append(
            table_row([name, measured(result), str(result.get("target", "")), f"**{verdict(result)}**", f"`{cmd}`"])
        )
    lines += ["", "## What each measures", ""]
    for name, _, result in results:
        lines.append(f"- **{name}**: {result.get('metric', result.get('error', ''))}")
    lines += ["", "## Details", ""]
    for name, _, result in results:
        details = {k: v for k, v in result.get("details", {}).items() if k != "machine"}
        lines += [f"### {name} ({result.get('wall_s', '?')} s)", ""]
        lines += [f"- {key}: `{json.dumps(value, ensure_ascii=False)}`" for key, value in details.items()]
        lines.append("")
    lines += gpu_section()
    lines += gpu_trainer_sections()
    return "\n".join(lines).rstrip() + "\n"


def gpu_section() -> list[str]:
    if not GPU_RESULTS.is_file():
        return []
    result = json.loads(GPU_RESULTS.read_text(encoding="utf-8"))
    d = result.get("details", {})
    check = d.get("check", {})
    m = d.get("machine", {})
    mode = " (quick mode)" if result.get("quick") else ""
    return [
        "## GPU: fp32 vs bf16 autocast (bench/gpu_results.json)",
        "",
        f"- card: {d.get('gpu')}, CUDA {d.get('cuda')}, torch {m.get('torch')}, python {m.get('python')}{mode}",
        "- command: `python bench/gpu_amp.py --out bench/gpu_results.json` (on the GPU machine)",
        "",
        table_row(["precision", "steps/s (each run)", "tokens/s (best)"]),
        table_row(["---"] * 3),
        table_row(["fp32", str(d.get("fp32_steps_per_s")), str(d.get("fp32_tokens_per_s"))]),
        table_row(["bf16 autocast", str(d.get("bf16_steps_per_s")), str(d.get("bf16_tokens_per_s"))]),
        "",
        f"- bf16 ÷ fp32 speed: **{result.get('value')}x** ({d.get('steps')} timed steps after "
        f"{d.get('warmup_steps')} warm-up, batch size {d.get('batch_size')})",
        f"- correctness check (bf16 losses finite, first-step loss within {check.get('first_step_rtol')}, "
        f"late-step mean loss within {check.get('last_steps_rtol')} of fp32): "
        f"**{'pass' if check.get('passed') else 'FAIL'}** — {json.dumps(check)}",
        "",
    ]


# Measured on a lent GPU machine with the command shown (bench/ scripts, --device cuda), and a
# note where the script has changed since.
GPU_TRAINER_RESULTS = {
    "gpu_trainer_amp_results.json": ("python bench/gpu_trainer_amp.py", ""),
    "trainer_overhead_cuda_results.json": (
        "python bench/trainer_overhead.py --device cuda --rounds 2",
        "measured with the script of commit 69cbc22, which timed the two loops one after the other "
        "(the interleaved version has not run on a GPU yet)",
    ),
}


def gpu_trainer_sections() -> list[str]:
    lines = []
    for name, (cmd, note) in GPU_TRAINER_RESULTS.items():
        path = ROOT / "bench" / name
        if not path.is_file():
            continue
        result = json.loads(path.read_text(encoding="utf-8"))
        d = result.get("details", {})
        m = d.get("machine", {})
        lines += [
            f"## GPU: {result['metric']} (bench/{name})",
            "",
            f"- card: {d.get('gpu', d.get('device'))}, torch {m.get('torch')}, python {m.get('python')}",
            f"- command: `{cmd} | tail -1 > bench/{name}` (on the GPU machine)",
            f"- value: **{json.dumps(result['value'])}** {result.get('unit', '')} (target {result.get('target')}): "
            f"**{'pass' if result.get('passed') else 'FAIL'}**",
            f"- details: `{json.dumps({k: v for k, v in d.items() if k != 'machine'}, ensure_ascii=False)}`",
            *([f"- note: {note}"] if note else []),
            "",
        ]
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="shrunk sizes in every benchmark (a smoke run)")
    parser.add_argument(
        "--threads", type=int, help="torch threads for trainer_overhead and dvc_noop's stages (default: torch's)"
    )
    parser.add_argument("--only", nargs="+", choices=BENCHMARKS, help="run only these")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results.md")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a benchmark misses its target")
    args = parser.parse_args()

    results = []
    for name in args.only or BENCHMARKS:
        cmd = command(name, args)
        results.append((name, shown(name, cmd), run_one(name, cmd)))
    args.out.write_text(render(results, args.quick), encoding="utf-8")
    print(f"wrote {args.out}", file=sys.stderr)
    summary = {name: {"value": r.get("value"), "passed": r.get("passed")} for name, _, r in results}
    print(json.dumps(summary))
    if any("value" not in r for _, _, r in results) or (args.strict and not all(r["passed"] for _, _, r in results)):
        sys.exit(1)


if __name__ == "__main__":
    main()
