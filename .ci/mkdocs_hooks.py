"""MkDocs hook: a page holding only ``--8<-- "FILE"`` shows that repository file
(CONTRIBUTING.md, CODE_OF_CONDUCT.md, CHANGELOG.md); links from the docs to
repository files outside ``docs/`` (``../SECURITY.md``, ``../infra/Caddyfile``…) point at
the file in the repository instead of failing the strict build. A link to a
file that exists nowhere is left alone, so MkDocs still reports it (and
``--strict`` fails)."""

from __future__ import annotations

import posixpath
import re
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SNIPPET = re.compile(r'^--8<-- "([^"]+)"$', re.MULTILINE)
LINK = re.compile(r"(\]\()([^)\s#]+)(#[^)\s]*)?(\))")


def on_page_markdown(markdown: str, page: Any, config: Any, files: Any) -> str:
    # `--8<-- "CONTRIBUTING.md"`: a repository-root file shown as a page.
    markdown = SNIPPET.sub(lambda m: (ROOT / m.group(1)).read_text(), markdown)
    repo = str(config.get("repo_url") or "").rstrip("/")
    page_dir = posixpath.dirname(page.file.src_uri)

    def rewrite(match: re.Match[str]) -> str:
        target = match.group(2)
        if "://" in target or target.startswith(("/", "mailto:")):
            return match.group(0)
        in_docs = posixpath.normpath(posixpath.join(page_dir, target))
        if files.get_file_from_path(in_docs) is not None:
            return match.group(0)
        candidates = [
            posixpath.normpath(posixpath.join("docs", page_dir, target)),
            posixpath.normpath(target),  # snippets included from the repository root
        ]
        for candidate in candidates:
            if not candidate.startswith("..") and (ROOT / candidate).exists():
                anchor = match.group(3) or ""
                return f"{match.group(1)}{repo}/blob/main/{candidate}{anchor}{match.group(4)}"
        return match.group(0)

    return LINK.sub(rewrite, markdown)
