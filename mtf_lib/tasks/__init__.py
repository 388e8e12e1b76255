"""Task types (the NLP base tasks): each a registered ``TaskType`` (``mtf_lib.tasks.base``) with
a params schema, one function per stage, a predictor and its web description."""
