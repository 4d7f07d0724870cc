"""The server's log: one line per request (method, path, status, time, user), never a body.

Notes are PHI, so nothing from a request body is logged: no note, no quote, no validation
input. Errors are logged by exception type and code location only (no message: a message can
quote its input). The log file is DOCREVIEW_HOME/logs/server.log, created 0600.
"""

from __future__ import annotations

import logging
import sys
import traceback
from pathlib import Path

from docreview.resources import home, private_dir, private_file

LOGGER = "docreview.server"


def log_path() -> Path:
    return home() / "logs" / "server.log"


def configure(log_file: str | None) -> logging.Logger:
    logger = logging.getLogger(LOGGER)
    if getattr(logger, "_docreview_configured", False):
        return logger
    logger.setLevel(logging.INFO)
    logger.propagate = False
    fmt = logging.Formatter("%(asctime)s %(levelname)s %(message)s")
    stderr = logging.StreamHandler(sys.stderr)
    stderr.setFormatter(fmt)
    logger.addHandler(stderr)
    path = Path(log_file) if log_file else log_path()
    private_dir(path.parent)
    private_file(path)
    handler = logging.FileHandler(path, encoding="utf-8")
    handler.setFormatter(fmt)
    logger.addHandler(handler)
    logger._docreview_configured = True  # type: ignore[attr-defined]
    return logger


def error_location(exc: BaseException) -> str:
    """`TypeName at file.py:line in function` for the innermost frame; no message."""
    frames = traceback.extract_tb(exc.__traceback__)
    where = f" at {Path(frames[-1].filename).name}:{frames[-1].lineno} in {frames[-1].name}" if frames else ""
    return f"{type(exc).__name__}{where}"


def uvicorn_log_config() -> dict:
    """uvicorn's own loggers: startup and errors to stderr; its access log is off (ours replaces it)."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(message)s"}},
        "handlers": {"stderr": {"class": "logging.StreamHandler", "formatter": "plain", "stream": "ext://sys.stderr"}},
        "loggers": {
            "uvicorn": {"handlers": ["stderr"], "level": "INFO", "propagate": False},
            "uvicorn.error": {"handlers": ["stderr"], "level": "INFO", "propagate": False},
            "uvicorn.access": {"handlers": [], "level": "WARNING", "propagate": False},
        },
    }
