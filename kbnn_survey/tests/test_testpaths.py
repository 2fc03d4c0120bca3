"""Every folder of tests is collected: pytest.ini's testpaths must name each app that has tests
(a new app's tests once ran nowhere, silently)."""

from __future__ import annotations

import configparser
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_every_tests_folder_is_in_testpaths():
    config = configparser.ConfigParser()
    config.read(ROOT / "pytest.ini")
    listed = set(config["pytest"]["testpaths"].split())
    with_tests = {p.parent.parent.name for p in ROOT.glob("*/tests/__init__.py")}
    assert with_tests <= listed, sorted(with_tests - listed)
