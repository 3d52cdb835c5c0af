"""Draw the package import graph as Mermaid, from the code (grimp, import-linter's
graph builder), into docs/import-graph.md.

    .venv/bin/python .ci/import_graph.py          # rewrite docs/import-graph.md
    .venv/bin/python .ci/import_graph.py --check  # exit 1 when it is out of date

Every import counts, those inside functions and under TYPE_CHECKING included.
"""

from __future__ import annotations

import argparse
import sys
from collections import defaultdict
from pathlib import Path

import grimp

ROOT = Path(__file__).resolve().parent.parent
OUTPUT = ROOT / "docs" / "import-graph.md"
ROOT_PACKAGES = ("pista", "tenants", "themes", "cms", "billing", "core_apps")

# The platform's units, top to bottom (the layers contract in pyproject.toml).
PLATFORM_UNITS = {
    "tenants.admin": "tenants (admin, apps, commands, hooks)",
    "tenants.apps": "tenants (admin, apps, commands, hooks)",
    "tenants.management": "tenants (admin, apps, commands, hooks)",
    "tenants.wagtail_hooks": "tenants (admin, apps, commands, hooks)",
    "tenants.api_urls": "tenants (admin, apps, commands, hooks)",
    "tenants.lifecycle": "tenants.lifecycle",
    "tenants.provisioning": "tenants.provisioning",
    "tenants.domains": "tenants.domains",
    "tenants.routing": "tenants.routing",
    "cms": "cms",
    "core_apps.accounts": "core_apps.accounts",
    "billing": "billing",
    "themes": "themes",
    "tenants.current": "tenants core (current, demo, onboarding, validators)",
    "tenants.demo": "tenants core (current, demo, onboarding, validators)",
    "tenants.onboarding": "tenants core (current, demo, onboarding, validators)",
    "tenants.validators": "tenants core (current, demo, onboarding, validators)",
    "tenants.models": "tenants.models",
    "pista": "pista",
}
DOMAIN_APPS = (
    "events",
    "ticketing",
    "orders",
    "artists",
    "venues",
    "community",
    "privacy",
    "integrations",
)


def unit_of(module: str) -> str | None:
    """The unit a module belongs to (longest matching prefix), None for the
    package roots themselves and migrations."""
    if ".migrations" in module:
        return None
    for prefix in sorted(PLATFORM_UNITS, key=len, reverse=True):
        if module == prefix or module.startswith(prefix + "."):
            return PLATFORM_UNITS[prefix]
    for app in DOMAIN_APPS:
        name = f"core_apps.{app}"
        if module == name or module.startswith(name + "."):
            return name
    return None


def unit_edges(graph: grimp.ImportGraph) -> dict[tuple[str, str], int]:
    edges: dict[tuple[str, str], int] = defaultdict(int)
    for module in graph.modules:
        source = unit_of(module)
        if source is None:
            continue
        for imported in graph.find_modules_directly_imported_by(module):
            target = unit_of(imported)
            if target is not None and target != source:
                edges[(source, target)] += 1
    return edges


def node_id(unit: str) -> str:
    return "".join(char if char.isalnum() else "_" for char in unit.split(" (")[0])


def mermaid(units: list[str], edges: dict[tuple[str, str], int], dashed: set[str]) -> str:
    lines = ["```mermaid", "flowchart TD"]
    for unit in units:
        lines.append(f'    {node_id(unit)}["{unit}"]')
    for (source, target), count in sorted(edges.items()):
        arrow = "-.->" if target in dashed else "-->"
        lines.append(f"    {node_id(source)} {arrow}|{count}| {node_id(target)}")
    lines.append("```")
    return "\n".join(lines)


def render() -> str:
    sys.path.insert(0, str(ROOT))
    graph = grimp.build_graph(*ROOT_PACKAGES, cache_dir=None)
    edges = unit_edges(graph)
    platform = list(dict.fromkeys(PLATFORM_UNITS.values()))
    domain = [f"core_apps.{app}" for app in DOMAIN_APPS]

    platform_edges = {
        (source, target): count
        for (source, target), count in edges.items()
        if source in platform and (target in platform or target == "core_apps.privacy")
    }
    domain_edges: dict[tuple[str, str], int] = defaultdict(int)
    for (source, target), count in edges.items():
        if source in domain:
            domain_edges[(source, target if target in domain else "platform")] += count
    return "\n".join(
        [
            "# Import graph",
            "",
            "Generated from the code by `.ci/import_graph.py` (do not edit; rerun it).",
            "Arrows point from importer to imported; numbers count module-to-module imports.",
            "",
            "## The platform layer",
            "",
            "Top to bottom as in the `platform-layers` contract (`pyproject.toml`). The",
            "dashed arrows go to the allowed exception, privacy's audit log and policies.",
            "",
            mermaid([*platform, "core_apps.privacy"], platform_edges, {"core_apps.privacy"}),
            "",
            "## The domain apps",
            "",
            "Each domain app's imports of the others, and (dashed) of the platform layer.",
            "",
            mermaid([*domain, "platform"], dict(domain_edges), {"platform"}),
            "",
        ]
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail when the file is stale")
    args = parser.parse_args()
    text = render()
    if args.check:
        if not OUTPUT.exists() or OUTPUT.read_text() != text:
            print(f"{OUTPUT.relative_to(ROOT)} is out of date: run .ci/import_graph.py")
            return 1
        return 0
    OUTPUT.write_text(text)
    print(f"wrote {OUTPUT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
