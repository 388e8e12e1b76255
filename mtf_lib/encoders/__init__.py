"""Pretrained transformer encoders (transformers): the folder a model is loaded from, the
character-aligned input ids, windows over long texts, and the fine-tuning parameter groups.

Nothing here imports transformers at module level: validating params and listing components
stay fast, and only building a model pays for it.
"""
