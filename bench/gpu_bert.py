"""BERT fine-tuning on a GPU: fp32 vs bf16 (and fp16), steps/s and peak memory, through mtf's
Trainer and ``bert_tagger.v1`` on a bert-base-sized encoder made from a config (no download).

For a machine with CUDA; CPU runs never need it. The encoder (12 layers, 768 units, the
bert-base-chinese vocabulary size) is saved with ``save_pretrained`` to a temporary folder and
loaded the way a user's model folder is. Batches are random CJK characters (``--length`` each,
``--batch`` per batch) with random BIOES tags; each precision runs ``--warmup`` steps untimed,
then ``--steps`` timed ones (synchronised), from the same initial weights.

    python bench/gpu_bert.py --out bench/gpu_bert_results.json
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path
from typing import Any

from _common import emit, machine


def make_base_bert(folder: Path) -> None:
    import torch
    from transformers import BertConfig, BertModel

    torch.manual_seed(0)
    BertModel(BertConfig(vocab_size=21128)).save_pretrained(folder)  # bert-base defaults: 12 x 768
    # A vocabulary of the right size: the CJK block's characters after BERT's special pieces.
    pieces = ["[PAD]"] + [f"[unused{i}]" for i in range(1, 100)] + ["[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    pieces += [chr(0x4E00 + i) for i in range(21128 - len(pieces))]
    (folder / "vocab.txt").write_text("\n".join(pieces) + "\n", encoding="utf-8")


def batches(n: int, batch: int, length: int, tags: int) -> list[dict[str, Any]]:
    import torch

    gen = torch.Generator().manual_seed(1)
    out = []
    for _ in range(n):
        codepoints = torch.randint(0x4E00, 0x4E00 + 20000, (batch, length), generator=gen)
        labels = torch.randint(0, tags, (batch, length), generator=gen)
        out.append({"codepoints": codepoints, "mask": torch.ones(batch, length, dtype=torch.bool), "labels": labels})
    return out


def run(folder: Path, amp: str, data: list[dict[str, Any]], warmup: int, work: Path) -> dict[str, float]:
    import torch

    from mtf_lib import registry
    from mtf_lib.data.vocab import Vocab
    from mtf_lib.encoders.pretrained import params_folder
    from mtf_lib.tasks.sections import TrainParams
    from mtf_lib.training.trainer import Trainer

    labels = Vocab(["O", *(f"{p}-X{k}" for k in range(8) for p in "BIES")], unknown=False)
    torch.manual_seed(0)
    with params_folder(folder.parent):
        model = registry.models.build(
            {"name": "bert_tagger.v1", "encoder": {"name": "transformer.v1", "pretrained": folder.name}}, {}, labels
        )
    torch.cuda.reset_peak_memory_stats()
    settings = TrainParams(
        epochs=1, lr=1e-3, optimizer="adamw.v2", weight_decay=0.01, amp=amp, device="cuda", callbacks=[]
    )
    timed = data[warmup:]

    class Timed(list):
        """The loader: marks the end of warm-up (synchronised) when the first timed batch is asked for."""

        started: float = 0.0
        ended: float = 0.0

        def __iter__(self):  # noqa: ANN204
            for n, batch in enumerate(super().__iter__()):
                if n == warmup:
                    torch.cuda.synchronize()
                    Timed.started = time.perf_counter()
                yield batch

    def evaluate(m: Any) -> dict[str, float]:
        """Called once the epoch's last step is done: the timing ends here, before the checkpoint."""
        torch.cuda.synchronize()
        Timed.ended = time.perf_counter()
        return {"f1": 0.0}

    trainer = Trainer(model, Timed(data), evaluate, settings, work / amp, "bench", [], progress=False)
    trainer.fit(resume=False)
    seconds = Timed.ended - Timed.started
    return {
        "steps_per_s": round(len(timed) / seconds, 2),
        "peak_memory_gib": round(torch.cuda.max_memory_allocated() / 2**30, 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--length", type=int, default=128)
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument("--steps", type=int, default=100)
    parser.add_argument("--out", type=Path, help="also write the result here (JSON)")
    args = parser.parse_args()
    import torch

    if not torch.cuda.is_available():
        raise SystemExit("bench/gpu_bert.py needs a CUDA GPU; CPU runs do not use it")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "bert-base-config"
        make_base_bert(folder)
        data = batches(args.warmup + args.steps, args.batch, args.length, 33)
        results = {amp: run(folder, amp, data, args.warmup, Path(tmp)) for amp in ("none", "bf16", "fp16")}
    speedup = results["bf16"]["steps_per_s"] / results["none"]["steps_per_s"]
    result = {
        "benchmark": "gpu_bert",
        "metric": "bert-base tagger fine-tuning steps/s, bf16 ÷ fp32 (mtf Trainer, one GPU)",
        "value": round(speedup, 2),
        "unit": "x",
        "target": "reported",
        "passed": True,
        "details": {
            "results": results,
            "batch": args.batch,
            "length": args.length,
            "steps": args.steps,
            "gpu": torch.cuda.get_device_name(),
            "machine": machine(),
        },
    }
    if args.out:
        args.out.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    emit(result)


if __name__ == "__main__":
    main()
