"""Create .venv with pip, even on a Debian/Ubuntu python3 that lacks the python3-venv package.

Debian splits ensurepip out of python3; without it `python3 -m venv` fails. Then we create the
venv without pip and install pip from its wheel on PyPI (the only network this needs).
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import urllib.parse
import urllib.request
import venv
from pathlib import Path


def main(target: str) -> None:
    path = Path(target)
    python = path / "bin" / "python"
    if python.exists():
        return
    try:
        venv.EnvBuilder(with_pip=True).create(path)
        return
    except (subprocess.CalledProcessError, OSError) as exc:
        print(f"venv with pip failed ({exc}); installing pip from PyPI instead", file=sys.stderr)
    venv.EnvBuilder(with_pip=False, clear=True).create(path)
    index = "https://pypi.org/pypi/pip/json"
    with urllib.request.urlopen(index, timeout=60) as reply:
        release = json.load(reply)
    wheel = next(u for u in release["urls"] if u["filename"].endswith(".whl"))
    with tempfile.TemporaryDirectory() as tmp:
        wheel_path = Path(tmp) / wheel["filename"]
        # Mirrors may answer with a relative file address.
        urllib.request.urlretrieve(urllib.parse.urljoin(index, wheel["url"]), wheel_path)
        subprocess.check_call([str(python), f"{wheel_path}/pip", "install", "-q", str(wheel_path)])


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else ".venv")
