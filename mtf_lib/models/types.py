"""Constrained setting types shared by model factories (validated from params.yaml)."""

from typing import Annotated

from pydantic import Field

PositiveInt = Annotated[int, Field(ge=1)]
Dropout = Annotated[float, Field(ge=0, lt=1)]
LearningRate = Annotated[float, Field(gt=0, le=10)]
LayerDecay = Annotated[float, Field(gt=0, le=1, description="1: the same rate for every layer")]
