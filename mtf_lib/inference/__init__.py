"""Trained-model bundles and the Predictor that serves them (no training code imported)."""

from mtf_lib.inference.predictor import Predictor

__all__ = ["Predictor"]
