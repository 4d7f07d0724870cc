"""The model judge (issue 5). Placeholder until the model layer is built."""

from __future__ import annotations


class ModelUnavailableError(RuntimeError):
    pass


def build_judge():
    raise ModelUnavailableError("the model layer is not built yet; use --mode rules")
