"""The seq2seq task type: text generation from text — translation with subword vocabularies,
an encoder–decoder Transformer, beam search and sacreBLEU scores."""

from __future__ import annotations

from mtf_lib import registry
from mtf_lib.tasks.base import TaskType

SEQ2SEQ = TaskType(
    name="seq2seq",
    description="Sequence to sequence: a text generated from a text (translation), scored with BLEU and chrF",
    params="mtf_lib.tasks.seq2seq.params:Seq2SeqParams",
    stages={
        "preprocess": "mtf_lib.tasks.seq2seq.preprocess:preprocess",
        "dataset": "mtf_lib.tasks.seq2seq.dataset:build_dataset",
        "train": "mtf_lib.tasks.seq2seq.train:train",
        "evaluate": "mtf_lib.tasks.seq2seq.evaluate:evaluate",
    },
    predictor="mtf_lib.tasks.seq2seq.predictor:Seq2SeqPredictor",
    api="mtf_lib.tasks.seq2seq.api:API",
    errors="mtf_lib.tasks.seq2seq.errors:analyse",  # metrics/errors.json
    components=(
        "mtf_lib.models.seq2seq_models",
        "mtf_lib.tasks.seq2seq.readers",
        "mtf_lib.tasks.seq2seq.metrics",
    ),
    template="mtf_lib.tasks.seq2seq.template:TEMPLATE",
    pipeline="mtf_lib.tasks.seq2seq.pipeline:stages",  # its declared stages: mtf pipeline writes dvc.yaml
)
registry.task_types.register("seq2seq", SEQ2SEQ)
