"""Knowledge distillation: a trained teacher's soft targets, computed once in their own stage
(``teacher``), and the student's objective mixing the gold loss with a temperature-scaled
divergence to them (``distill.alpha``, ``distill.temperature``).

A teacher is any trained bundle of the student's task type (a BERT tagger, an ensemble); the
student is any registered model of that type. Tagging teachers give per-character tag
marginals (a CRF's by forward-backward, not only its best path); classification teachers give
class probabilities.
"""
