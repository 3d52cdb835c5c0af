from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    """Uploaded files of these tests land in a temporary media root."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
