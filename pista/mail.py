"""Development email backend: prints mail to stderr, keeping commands' stdout clean."""

from __future__ import annotations

import sys
from typing import Any

from django.core.mail.backends.console import EmailBackend


class StderrEmailBackend(EmailBackend):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("stream", sys.stderr)
        super().__init__(*args, **kwargs)
