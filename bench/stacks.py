"""Summarise py-spy's collapsed stacks (``bench/checkout.py --profile FILE``).

Run: ``.venv/bin/python bench/stacks.py FILE [FRAME ...]``. Prints, for each
FRAME (a function name as py-spy writes it, e.g. ``order_checkout`` or
``APIView.check_throttles``), the share of the samples taken while a worker was
answering a request that had FRAME on the stack; without FRAMEs, the 25
functions most often on the stack. Last line: one JSON object, frame → percent.
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from pathlib import Path

REQUEST_FRAME = "WSGIHandler.__call__"


def frame_name(frame: str) -> str:
    """``order_checkout (core_apps/orders/services/checkout.py:312)`` → ``order_checkout``."""
    return frame.split(" (", 1)[0]


def shares(path: Path, frames: list[str]) -> tuple[int, dict[str, float]]:
    """Samples in requests, and each frame's share of them in percent."""
    total = 0
    counts: Counter[str] = Counter()
    with path.open() as lines:
        for line in lines:
            stack, _, number = line.rstrip().rpartition(" ")
            names = {frame_name(frame) for frame in stack.split(";")}
            if REQUEST_FRAME not in names:
                continue
            samples = int(number)
            total += samples
            for name in names if not frames else names.intersection(frames):
                counts[name] += samples
    chosen = frames or [name for name, _ in counts.most_common(25)]
    return total, {name: round(100 * counts[name] / total, 1) if total else 0.0 for name in chosen}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("stacks", type=Path)
    parser.add_argument("frames", nargs="*")
    args = parser.parse_args()
    total, result = shares(args.stacks, args.frames)
    print(f"{total} samples while answering requests")
    for name, percent in result.items():
        print(f"{percent:5.1f} %  {name}")
    print(json.dumps(result))


if __name__ == "__main__":
    main()
