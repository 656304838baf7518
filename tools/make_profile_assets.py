"""Write the Real networks page's built-in architectures: `python tools/make_profile_assets.py`.

Each model is built by `keras.applications` (or dsconv's own tutorial models) with `weights=None`, so nothing is
downloaded, and its config is saved as gzipped JSON under dsconv/assets/profile/. Initializers, regularizers,
constraints and dtype policies are left out: they change no count, and the files stay a few KB. The profiler
reads these files exactly as it reads an upload's config.json.
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from dsconv.profile.builtin import ARCHITECTURES, ASSET_DIR  # noqa: E402

DROPPED = ("_initializer", "_regularizer", "_constraint")


def slim(value):
    """The config without what no count depends on."""
    if isinstance(value, dict):
        return {key: slim(item) for key, item in value.items()
                if not key.endswith(DROPPED) and key not in ("dtype", "build_config", "compile_config")}
    if isinstance(value, list):
        return [slim(item) for item in value]
    return value


def build(name: str):
    import keras

    from dsconv.training import build_model

    arch = ARCHITECTURES[name]
    if arch.builder == "tutorial":
        return build_model(arch.keras_args["conv_kind"], input_scaling="none", depthwise_init="keras")
    return getattr(keras.applications, arch.builder)(weights=None, **arch.keras_args)


def main() -> None:
    # It takes no options: `--help` wrote every asset anew (the same bytes, but a reader asking for help got a rebuild)
    argparse.ArgumentParser(prog="python tools/make_profile_assets.py", description=__doc__).parse_args()
    ASSET_DIR.mkdir(parents=True, exist_ok=True)
    for name in ARCHITECTURES:
        model = build(name)
        text = json.dumps(slim(json.loads(model.to_json())), separators=(",", ":"), sort_keys=True)
        path = ASSET_DIR / f"{name}.json.gz"
        path.write_bytes(gzip.compress(text.encode(), compresslevel=9, mtime=0))
        print(f"{path.relative_to(ROOT)}: {len(model.layers)} layers, {model.count_params():,} params, "
              f"{path.stat().st_size / 1024:.1f} KB")


if __name__ == "__main__":
    main()
