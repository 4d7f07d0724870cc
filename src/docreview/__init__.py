"""docreview: pre-bill documentation checks for drug J-codes.

Public API: `review(note, claim) -> Review`. Heavy libraries (torch, chromadb) load lazily,
only on the paths that need them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

if TYPE_CHECKING:
    from docreview.schema import Claim, Review


def review(note: str, claim: Claim | dict[str, Any], **options: Any) -> Review:
    """Review one claim line against its note (see docreview.review_engine.Reviewer)."""
    from docreview.review_engine import default_reviewer

    return default_reviewer(**options).review(note, claim)


__all__ = ["__version__", "review"]
