"""What a bert-base-sized tagger costs to fine-tune on this machine's CPU: seconds per training
step (16 sentences of 40 characters, forward, backward and AdamW step through ``bert_tagger.v1``
with a CRF), and the Resume NER epoch (239 such steps) it implies. The encoder is made from a
config (bert-base: 12 layers, 768 units), so nothing is downloaded; its weights do not change
the cost."""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from _common import emit, machine
from gpu_bert import batches, make_base_bert

RESUME_STEPS_PER_EPOCH = 239  # 3,821 train sentences, batches of 16


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="one timed step: proves the script runs")
    parser.add_argument("--steps", type=int, default=5)
    args = parser.parse_args()
    import torch

    from mtf_lib import registry
    from mtf_lib.data.vocab import Vocab
    from mtf_lib.encoders.pretrained import params_folder
    from mtf_lib.training.threads import set_threads

    set_threads("auto")
    labels = Vocab(["O", *(f"{p}-X{k}" for k in range(8) for p in "BIES")], unknown=False)
    steps = 1 if args.quick else args.steps
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "bert-base-config"
        make_base_bert(folder)
        torch.manual_seed(0)
        with params_folder(folder.parent):
            model = registry.models.build(
                {"name": "bert_tagger.v1", "encoder": {"name": "transformer.v1", "pretrained": folder.name}}, {}, labels
            )
    optimizer = registry.optimizers.get("adamw.v2")(model.param_groups(lr=1e-3, weight_decay=0.01), lr=1e-3)
    data = batches(2 + steps, 16, 40, len(labels))
    model.train()
    seconds = []
    for n, batch in enumerate(data):
        start = time.perf_counter()
        loss = model(batch)["loss"]
        loss.backward()
        optimizer.step()
        optimizer.zero_grad(set_to_none=True)
        if n >= 2:  # the first two warm up allocators and kernels
            seconds.append(time.perf_counter() - start)
    per_step = statistics.median(seconds)
    emit(
        {
            "benchmark": "bert_cpu",
            "metric": "bert-base tagger fine-tuning on the CPU: seconds per step of 16 x 40 characters (median)",
            "value": round(per_step, 2),
            "unit": "s",
            "target": "reported (no target: informs the README's cost note)",
            "passed": True,
            "details": {
                "steps": seconds and [round(s, 2) for s in seconds],
                "resume_ner_epoch_min": round(per_step * RESUME_STEPS_PER_EPOCH / 60, 1),
                "torch_threads": torch.get_num_threads(),
                "machine": machine(),
            },
        }
    )


if __name__ == "__main__":
    main()
