"""Dispatch `python -m dsconv.bench NAME ...` to the benchmark module dsconv/bench/NAME.py."""

import importlib
import pkgutil
import sys
from pathlib import Path


def available() -> list[str]:
    """Names of the benchmark modules in this package."""
    return sorted(m.name for m in pkgutil.iter_modules([str(Path(__file__).parent)]) if not m.name.startswith("_"))


def main(argv: list[str]) -> int:
    """Run one benchmark by name; print the list of benchmarks when none or an unknown one is named."""
    names = available()
    if not argv or argv[0] in ("-h", "--help") or argv[0] not in names:
        print("usage: python -m dsconv.bench NAME [options]\n\nbenchmarks: " + ", ".join(names))
        print("Each one prints its figures and the machine it ran on; NAME --help says how long it takes.")
        return 0 if not argv or argv[0] in ("-h", "--help") else 2
    module = importlib.import_module(f"dsconv.bench.{argv[0]}")
    return int(module.main(argv[1:]) or 0)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
