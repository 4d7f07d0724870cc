"""docreview's pydantic base model.

Schemas are built on first use (`defer_build`), so a cold `docreview check` pays only for the
models it validates or serialises, not for every model its modules define (server, install,
eval and data-file models it never touches).
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class Record(BaseModel):
    model_config = ConfigDict(defer_build=True)
