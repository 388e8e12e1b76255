"""mtf's Trainer vs the Hugging Face Trainer: steps/s on the same tiny BERT token-classification
model, the same batches and the same number of optimizer steps.

The model is ``BertForTokenClassification`` made from a config (2 layers, 64 units, the real
bert-base-chinese vocabulary size), both runs starting from the same weights. The batches are
the Resume NER train split (through mtf's one-piece-per-character table and the bert-base-chinese
vocabulary of the data mirror), bucketed by length
into batches of 16 and collated once, so neither side pays for collation. Both use AdamW, a
linear schedule, gradient clipping at 1.0 and write a checkpoint every epoch (mtf's Trainer always
does; the HF Trainer with ``save_strategy="epoch"``); neither evaluates or logs. Both use a fused
AdamW: HF's default (``adamw_torch_fused``) and mtf's ``adamw.v2`` (``adamw.v1``, the for-loop
update, costs 7 ms more per step on this model's 40 tensors). The HF Trainer
gets the pre-collated batches through a batch-size-1 loader whose collator unwraps them. Runs
alternate mtf, HF, HF, mtf, ... so that the shared machine's drift hits both alike.

ratio = mtf steps/s ÷ HF steps/s over all rounds; target >= 1.0.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import tempfile
import time
from copy import deepcopy
from pathlib import Path
from typing import Any

from _common import data_mirror, emit, fetch_resume_ner, machine

BATCH = 16
HIDDEN, LAYERS = 64, 2


def batches(raw: Path, limit: int) -> tuple[list[dict[str, Any]], int]:
    """Pre-collated ``input_ids`` / ``attention_mask`` / ``labels`` batches, and the label count."""
    import torch
    from transformers import BertTokenizerFast

    from mtf_lib.text.readers import read_char_tagged

    sentences = list(read_char_tagged(raw / "train.char.bmes", "BMES"))[: limit or None]
    vocab_file = Path(data_mirror() or ".") / "bert_base_chinese_vocab" / "vocab.txt"
    if not vocab_file.is_file():  # the ids matter little to speed: the train split's characters
        chars = sorted({c for s in sentences for c in s.chars})
        vocab_file = raw / "bench_vocab.txt"
        vocab_file.write_text("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", *chars]) + "\n", encoding="utf-8")
    tokenizer = BertTokenizerFast(vocab_file=str(vocab_file))
    tags = sorted({t for s in sentences for t in s.tags})
    index = {t: n for n, t in enumerate(tags)}
    ordered = sorted(sentences, key=lambda s: len(s.chars))
    out = []
    for start in range(0, len(ordered), BATCH):
        group = ordered[start : start + BATCH]
        # Hugging Face's token-classification recipe: characters as words, the first sub-token
        # of each carries its label, the rest (and the specials) are -100.
        encoded = tokenizer([list(s.chars) for s in group], is_split_into_words=True, padding=True, return_tensors="pt")
        labels = torch.full(encoded["input_ids"].shape, -100, dtype=torch.long)
        for row, sentence in enumerate(group):
            seen = set()
            for position, word in enumerate(encoded.word_ids(row)):
                if word is not None and word not in seen:
                    seen.add(word)
                    labels[row, position] = index[sentence.tags[word]]
        out.append({"input_ids": encoded["input_ids"], "attention_mask": encoded["attention_mask"], "labels": labels})
    return out, len(tags)


def tiny_model(n_labels: int) -> Any:
    import torch
    from transformers import BertConfig, BertForTokenClassification

    torch.manual_seed(0)
    config = BertConfig(
        vocab_size=21128,
        hidden_size=HIDDEN,
        num_hidden_layers=LAYERS,
        num_attention_heads=2,
        intermediate_size=4 * HIDDEN,
        num_labels=n_labels,
    )
    return BertForTokenClassification(config)


def mtf_run(model: Any, data: list[dict[str, Any]], epochs: int, work: Path) -> float:
    """Seconds of ``Trainer.fit`` over ``data`` for ``epochs``."""
    from torch import nn

    from mtf_lib.tasks.sections import TrainParams
    from mtf_lib.training.trainer import Trainer

    class Adapter(nn.Module):
        def __init__(self, inner: nn.Module) -> None:
            super().__init__()
            self.inner = inner

        def forward(self, batch: dict[str, Any]) -> dict[str, Any]:
            return {"loss": self.inner(**batch).loss}

    settings = TrainParams(
        epochs=epochs, lr=5e-5, optimizer="adamw.v2", weight_decay=0.01, clip_norm=1.0, device="cpu", callbacks=[]
    )
    trainer = Trainer(Adapter(model), data, lambda m: {"f1": 0.0}, settings, work, "bench", [], progress=False)
    with contextlib.redirect_stderr(io.StringIO()):
        start = time.perf_counter()
        trainer.fit(resume=False)
        return time.perf_counter() - start


def hf_run(model: Any, data: list[dict[str, Any]], epochs: int, work: Path) -> float:
    """Seconds of the Hugging Face ``Trainer.train`` over the same batches for ``epochs``."""
    from transformers import Trainer, TrainingArguments
    from transformers.utils import logging

    logging.set_verbosity_error()
    args = TrainingArguments(
        output_dir=str(work),
        per_device_train_batch_size=1,
        num_train_epochs=epochs,
        learning_rate=5e-5,
        weight_decay=0.01,
        lr_scheduler_type="linear",
        max_grad_norm=1.0,
        logging_strategy="no",
        save_strategy="epoch",
        eval_strategy="no",
        report_to=[],
        use_cpu=True,
        disable_tqdm=True,
        dataloader_num_workers=0,
        seed=42,
    )
    trainer = Trainer(model=model, args=args, train_dataset=data, data_collator=lambda items: items[0])
    start = time.perf_counter()
    trainer.train()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a few batches: proves the script runs")
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=4, help="each round: mtf then HF, or HF then mtf")
    args = parser.parse_args()
    import torch

    from mtf_lib.training.threads import set_threads

    set_threads("auto")
    epochs, rounds = (1, 1) if args.quick else (args.epochs, args.rounds)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        data, n_labels = batches(fetch_resume_ner(work / "raw"), limit=64 if args.quick else 0)
        initial = tiny_model(n_labels)
        seconds = {"mtf": [], "hf": []}
        for r in range(rounds):
            order = ("mtf", "hf") if r % 2 == 0 else ("hf", "mtf")
            for side in order:
                run = mtf_run if side == "mtf" else hf_run
                seconds[side].append(run(deepcopy(initial), data, epochs, work / f"{side}{r}"))
    steps = len(data) * epochs
    rate = {side: [round(steps / s, 2) for s in values] for side, values in seconds.items()}
    ratio = sum(seconds["hf"]) / sum(seconds["mtf"])
    emit(
        {
            "benchmark": "hf_trainer",
            "metric": "mtf Trainer steps/s ÷ Hugging Face Trainer steps/s, same tiny BERT, batches and steps",
            "value": round(ratio, 3),
            "unit": "x",
            "target": ">= 1.0",
            "passed": ratio >= 1.0,
            "details": {
                "batches_per_epoch": len(data),
                "epochs": epochs,
                "rounds": rounds,
                "mtf_steps_per_s": rate["mtf"],
                "hf_steps_per_s": rate["hf"],
                "torch_threads": torch.get_num_threads(),
                "machine": machine(),
            },
        }
    )


if __name__ == "__main__":
    main()
