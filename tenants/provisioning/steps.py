"""Where a provisioning spends its time, step by step (``bench/provisioning.py --steps``).

Provisioning marks its steps with ``provisioning_step``; the marks cost nothing
unless a caller records them with ``provisioning_steps_recorded``. A step that
runs beside the others (in a thread) is recorded apart, as ``background``.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field


@dataclass
class StepTimes:
    """Seconds per step: ``steps`` in sequence, ``background`` beside them."""

    steps: dict[str, float] = field(default_factory=dict)
    background: dict[str, float] = field(default_factory=dict)


_recording: ContextVar[StepTimes | None] = ContextVar("provisioning_steps", default=None)


@contextmanager
def provisioning_step(name: str, *, background: bool = False) -> Iterator[None]:
    """Add the time spent in the block to step ``name`` of the recording, if any
    (a thread joins the recording of the context it was started from:
    ``contextvars.copy_context().run``)."""
    recording = _recording.get()
    if recording is None:
        yield
        return
    times = recording.background if background else recording.steps
    started = time.perf_counter()
    try:
        yield
    finally:
        times[name] = times.get(name, 0.0) + time.perf_counter() - started


@contextmanager
def provisioning_steps_recorded() -> Iterator[StepTimes]:
    """Record the steps run in the block; yields them, filled as they run."""
    recording = StepTimes()
    token = _recording.set(recording)
    try:
        yield recording
    finally:
        _recording.reset(token)
