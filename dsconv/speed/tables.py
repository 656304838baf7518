"""The Speed lab's tables that need no clock: what counting says about a layer, and which recorded measurement
holds exactly that layer."""

from __future__ import annotations

from dataclasses import asdict
from functools import lru_cache
from typing import Any, Mapping

from dsconv.costs.arithmetic import mobilenet_ratio
from dsconv.costs.intensity import COMPARED_KINDS, LayerTraffic, compare_traffic
from dsconv.kinds import KINDS
from dsconv.safe_text import BYTE_UNITS, Fixed, column_unit, digits_apart_from_one, ratio_cell
from dsconv.speed.setup import LayerSetup
from dsconv.speed.timings import Timing


@lru_cache(maxsize=64)
def layer_traffic(setup: LayerSetup) -> dict[str, LayerTraffic]:
    """Each compared kind's work and memory traffic for the layer: the page's table, its note and its intensity
    figure read one count (they counted it three times a run). The dict is shared: read it, do not change it."""
    return compare_traffic(COMPARED_KINDS, **asdict(setup))


def counting_rows(setup: LayerSetup) -> list[dict[str, Any]]:
    """One row per compared kind: params, multiply-adds for the whole batch (in millions, safe_text.column_unit),
    how many times fewer than Conv2D's, the bytes a forward pass moves with each tensor through memory once (in MB)
    and its arithmetic intensity (FLOPs per byte)."""
    traffic = layer_traffic(setup)
    standard = traffic["standard"]
    # In millions and MB where those show three digits; a tiny layer's in thousands or ones, kB or bytes.
    count, per_count, count_places = column_unit([layer.multiply_adds for layer in traffic.values()])
    byte, per_byte, byte_places = column_unit([layer.bytes_moved for layer in traffic.values()], BYTE_UNITS)
    return [{"layer": KINDS[kind].label,
             "params": setup.cost(kind).params,
             f"multiply-adds{f' ({count})' if count else ''}": Fixed(layer.multiply_adds / per_count, count_places),
             "x fewer multiply-adds": ratio_cell(standard.multiply_adds / layer.multiply_adds),
             f"{byte} moved": Fixed(layer.bytes_moved / per_byte, byte_places),
             "FLOPs per byte": Fixed(layer.flops_per_byte, 1)} for kind, layer in traffic.items()]


def more_work_note(setup: LayerSetup) -> str | None:
    """A sentence under the counting table where a kind's "x fewer multiply-adds" is below 1, which means more: with a
    1 x 1 kernel SeparableConv2D read "0.98" in a column of times fewer. None where every kind does fewer."""
    traffic = layer_traffic(setup)
    standard = traffic["standard"].multiply_adds
    more = [(kind, layer.multiply_adds) for kind, layer in traffic.items() if layer.multiply_adds > standard]
    if not more:
        return None
    names: dict[int, list[str]] = {}  # the two separable kinds do the same work: said once, naming both
    for kind, work in more:
        names.setdefault(work, []).append(KINDS[kind].label)
    said = "; ".join(f"{' and '.join(labels)} {'does' if len(labels) == 1 else 'do'} "
                     f"{work / standard:.{digits_apart_from_one(work / standard, 2)}f}x Conv2D's "
                     f"({work:,} against {standard:,})" for work, labels in names.items())
    n, k = setup.out_channels, setup.kernel_size
    rule = mobilenet_ratio(n, k)
    return (f"A number below 1 in \"x fewer multiply-adds\" means more, not fewer: {said}. MobileNet's ratio "
            f"for the separable share, 1/N + 1/k² = 1/{n} + 1/{k * k} = {rule:.{digits_apart_from_one(rule, 2)}f}, "
            "is above 1 for this layer.")


def recorded_for(recorded: Mapping[str, Mapping[str, Any]], setup: LayerSetup) -> dict[str, list[Timing]]:
    """For each recorded device (cpu, gpu, ...), the timings of the first recorded set that measured exactly this
    layer; a device without it is left out. The default layer is in its own set and in the sweeps."""
    found = {}
    for name, data in recorded.items():
        for entry in data["sets"].values():
            timings = [timing for timing in entry["timings"] if timing.setup == setup]
            if timings:
                found[name] = timings
                break
    return found
