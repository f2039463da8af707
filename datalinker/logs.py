"""Logging setup for the worker and the CLI: plain text (default) or one JSON object per line.

JSON lines come from python-json-logger with stable keys: ts, level, logger, event, message and,
where they apply, session_id, job_id, user_id, duration_ms, outcome, reason, error, attempt.
Code logs with `extra={"event": ..., ...}`; plain text shows the message as it always did.
"""

from __future__ import annotations

import logging
import sys

from pythonjsonlogger.json import JsonFormatter

TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s %(message)s"


def configure(level: str = "info", fmt: str = "text") -> None:
    """Route the root logger to stderr in the chosen format (replacing earlier handlers)."""
    handler = logging.StreamHandler(sys.stderr)
    if fmt == "json":
        handler.setFormatter(JsonFormatter("%(asctime)s %(levelname)s %(name)s %(message)s",
                                           rename_fields={"asctime": "ts", "levelname": "level", "name": "logger"},
                                           datefmt="%Y-%m-%dT%H:%M:%S%z"))
    else:
        handler.setFormatter(logging.Formatter(TEXT_FORMAT))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
