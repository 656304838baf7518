"""Profile a network from the command line: `python -m dsconv.profile mobilenet_v2` or
`python -m dsconv.profile my_model.keras [--input-shape 224,224,3] [--csv out.csv] [--what-if separable]`.

Prints the per-layer table, the totals, each role's share and the convention; never imports TensorFlow and never
runs anything from the file (only its config is read: dsconv.profile.files).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from dsconv.kinds import SEPARABLE_KINDS
from dsconv.profile.builtin import ARCHITECTURES, builtin_config, published
from dsconv.profile.files import MAX_FILE_BYTES, ModelFileError, read_model_file
from dsconv.profile.graph import ProfileError, profile_config
from dsconv.profile.layers import CONVENTION
from dsconv.profile.lesson import (
    multiply_adds_check,
    not_counted,
    params_check,
    what_if_sentence,
    where_the_arithmetic_is,
    where_the_parameters_are,
)
from dsconv.profile.table import Profile, csv_text, in_millions, rows_as_records
from dsconv.profile.whatif import what_if

SHOWN = ("layer", "class", "role", "output shape", "params", "multiply-adds")


def input_shape(text: str) -> tuple[int, ...]:
    """'224,224,3' -> (224, 224, 3)."""
    try:
        sizes = tuple(int(part) for part in text.replace("x", ",").split(",") if part.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not sizes such as 224,224,3") from None
    if not sizes or min(sizes) < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not positive sizes such as 224,224,3")
    return sizes


def table_text(profile: Profile) -> str:
    records = rows_as_records(profile)
    cells = [SHOWN] + [tuple(f"{record[key]:,}" if isinstance(record[key], int) else str(record[key])
                             for key in SHOWN) for record in records]
    widths = [max(len(row[i]) for row in cells) for i in range(len(SHOWN))]
    return "\n".join("  ".join(cell.rjust(width) if i >= 4 else cell.ljust(width)
                               for i, (cell, width) in enumerate(zip(row, widths))) for row in cells)


def summary_text(profile: Profile) -> str:
    lines = [f"{profile.name}: input {profile.input_text}, {len(profile.rows)} layer calls",
             f"multiply-adds {profile.multiply_adds:,} ({in_millions(profile.multiply_adds)}; FLOPs about "
             f"{in_millions(2 * profile.multiply_adds)})",
             f"parameters {profile.params:,} ({profile.total('params'):,} trainable, "
             f"{profile.total('frozen_params'):,} not)",
             f"other operations {profile.total('other_ops'):,}; activations "
             f"{profile.total('activation_bytes') / 2**20:.1f} MB in float32",
             "share of multiply-adds: " + ", ".join(f"{role} {share:.1%}"
                                                    for role, share in profile.share("multiply_adds").items()),
             where_the_arithmetic_is(profile), where_the_parameters_are(profile)]
    missing = not_counted(profile)
    return "\n".join(lines + ([missing] if missing else []))


def csv_problem(path: Path) -> str | None:
    """Why the CSV could not be written to `path`, found without creating it; None if it can."""
    if path.is_dir():
        return "it is a folder"
    if path.exists():
        return None if os.access(path, os.W_OK) else "the file is not writable"
    if not path.parent.is_dir():
        return f"there is no folder {path.parent}"
    return None if os.access(path.parent, os.W_OK) else f"the folder {path.parent} is not writable"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m dsconv.profile", description=__doc__.split("\n\n")[0])
    parser.add_argument("model", help=f"a built-in ({', '.join(ARCHITECTURES)}) or a .keras, .h5 or .json file")
    parser.add_argument("--input-shape", type=input_shape, help="height,width,channels (default: the model's own)")
    parser.add_argument("--csv", type=Path, help="also write the per-layer table to this CSV file")
    parser.add_argument("--what-if", choices=SEPARABLE_KINDS,
                        help="also recount with every standard k x k convolution replaced by this kind")
    args = parser.parse_args(argv)
    problem = args.csv and csv_problem(args.csv)
    if problem:  # said now, not after the table; and no empty file is left behind if the model is refused
        parser.error(f"cannot write the CSV to {args.csv}: {problem}")
    try:
        if args.model in ARCHITECTURES:
            arch = ARCHITECTURES[args.model]
            shape = args.input_shape or (arch.size, arch.size, 3)
            if len(shape) != 3:
                parser.error(f"{args.model} takes a picture: give --input-shape as height,width,channels")
            title = arch.title if shape == (arch.size, arch.size, 3) else f"{arch.title} at {'x'.join(map(str, shape))}"
            profile = profile_config(builtin_config(args.model), input_shape=shape, name=title)
            # the papers' figures hold for their own square, three-channel pictures only
            paper = published(args.model, shape[0]) if shape[0] == shape[1] and shape[2] == 3 else None
        else:
            path = Path(args.model)
            if not path.is_file():
                parser.error(f"{args.model!r} is neither a built-in architecture nor a file")
            if path.stat().st_size > MAX_FILE_BYTES:
                raise ModelFileError(f"{path.name} is over {MAX_FILE_BYTES // 2**20} MB; profile its config.json.")
            config = read_model_file(path.read_bytes(), path.name)
            profile = profile_config(config, input_shape=args.input_shape, name=path.stem)
            paper = None
    except (ModelFileError, ProfileError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print(table_text(profile), "", summary_text(profile), sep="\n")
    for check in (multiply_adds_check(profile, paper), params_check(profile, paper)) if paper else ():
        if check:
            print(f"paper ({paper.source}): {check.what} {check.paper}; we count {check.ours:,}. {check.verdict}")
    if args.what_if:
        print("", what_if_sentence(what_if(profile, args.what_if)), sep="\n")
    print("", "Convention: " + CONVENTION, sep="\n")
    if args.csv:
        args.csv.write_text(csv_text(profile), newline="")
        print(f"wrote {len(profile.rows)} rows to {args.csv}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
