"""Compile every .po catalogue of the project to .mo with Babel (no GNU gettext needed)."""

from __future__ import annotations

from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
SKIP = {".venv", "node_modules", ".git"}


def main() -> None:
    compiled = 0
    for po in ROOT.rglob("locale/*/LC_MESSAGES/*.po"):
        if SKIP.intersection(po.relative_to(ROOT).parts):
            continue
        mo = po.with_suffix(".mo")
        if mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
            continue
        with po.open("rb") as f:
            catalog = read_po(f)
        with mo.open("wb") as f:
            write_mo(f, catalog)
        compiled += 1
    print(f"compiled {compiled} catalogue(s)")


if __name__ == "__main__":
    main()
