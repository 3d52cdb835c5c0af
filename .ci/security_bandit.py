"""Run bandit on Pista's code; fail on medium+ findings not reviewed in bandit-reviewed.toml."""

from __future__ import annotations

import json
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REVIEWED = Path(__file__).with_name("bandit-reviewed.toml")
PACKAGES = ["pista", "tenants", "themes", "cms", "core_apps", "billing", "manage.py"]
GATED = {"MEDIUM", "HIGH"}


def main() -> int:
    result = subprocess.run(  # noqa: S603 - fixed argument list
        [
            sys.executable,
            "-m",
            "bandit",
            "-q",
            "-r",
            *PACKAGES,
            "-x",
            "*/migrations/*",
            "-f",
            "json",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode not in (0, 1) or not result.stdout.strip():
        print(result.stdout, result.stderr, sep="\n")
        print("bandit did not run")
        return 2
    report = json.loads(result.stdout)
    reviewed = tomllib.loads(REVIEWED.read_text())["finding"]
    used: set[int] = set()
    unreviewed = []
    for finding in report["results"]:
        if finding["issue_severity"] not in GATED:
            continue
        path = str(Path(finding["filename"]).as_posix()).removeprefix("./")
        lines = {line.partition(" ")[2].strip() for line in finding["code"].splitlines()}
        match = next(
            (
                i
                for i, entry in enumerate(reviewed)
                if entry["file"] == path
                and finding["test_id"] in entry["tests"]
                and entry["line"].strip() in lines
            ),
            None,
        )
        if match is None:
            unreviewed.append(finding)
        else:
            used.add(match)
    low = sum(1 for f in report["results"] if f["issue_severity"] not in GATED)
    print(f"bandit: {len(report['results'])} findings, {low} low (not gated), {len(used)} reviewed")
    for i, entry in enumerate(reviewed):
        if i not in used:
            print(f"  stale entry in {REVIEWED.name}: {entry['file']} {entry['tests']}")
    for f in unreviewed:
        print(
            f"  UNREVIEWED {f['filename']}:{f['line_number']} {f['test_id']} "
            f"{f['issue_severity']}: {f['issue_text']}"
        )
    if unreviewed:
        print(f"Fix these, or review them in .ci/{REVIEWED.name} with a justification.")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
