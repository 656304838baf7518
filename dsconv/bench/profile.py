"""How fast the Real networks page counts: `python -m dsconv.bench profile`.

Times, on this machine:
- profiling MobileNetV2 from its shipped config (reading the gzipped JSON included, cached nothing): goal under
  200 ms;
- every built-in network the same way;
- the page's re-run under Streamlit's AppTest (the script's own run, after a first run loaded the page): a change
  of network, input size, tab and what-if, each time to a setting not seen before in that run and then back to
  one seen before; goal under 300 ms.
Prints the median and the slowest of each. Takes about 30 s.
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from dsconv.bench.ui import machine
from dsconv.profile import ARCHITECTURES, builtin_config, profile_config

ROOT = Path(__file__).resolve().parents[2]
GOAL_PROFILE_S, GOAL_RERUN_S = 0.2, 0.3


def time_profile(name: str, repeats: int) -> list[float]:
    """Seconds to read and profile one built-in network's config, from the gzipped asset, each time afresh."""
    arch = ARCHITECTURES[name]
    times = []
    for _ in range(repeats):
        builtin_config.cache_clear()
        start = time.perf_counter()
        profile_config(builtin_config(name), input_shape=(arch.size, arch.size, 3))
        times.append(time.perf_counter() - start)
    return times


def time_reruns(rounds: int) -> dict[str, list[float]]:
    """Seconds per page re-run under AppTest, by the kind of change."""
    from streamlit.testing.v1 import AppTest

    def opened(**query: str) -> AppTest:
        at = AppTest.from_file(str(ROOT / "pages" / "7_Real_networks.py"), default_timeout=120)
        for key, value in query.items():
            at.query_params[key] = value
        return at.run()

    names, sizes, swaps = list(ARCHITECTURES), (128, 160, 192, 224), ("separable", "depthwise_pointwise", "mobilenet")
    layers, what_if = opened(), opened(rn_tab="What if it were separable?")
    changes = {
        "network": lambda i: layers.selectbox(key="rn_model").set_value(names[i % len(names)]),
        "input size": lambda i: layers.select_slider(key="rn_size").set_value(sizes[i % len(sizes)]),
        "what-if kind": lambda i: what_if.radio(key="rn_whatif").set_value(swaps[i % len(swaps)]),
    }
    times: dict[str, list[float]] = {name: [] for name in changes}
    for name, change in changes.items():
        for i in range(rounds):
            widget = change(i)
            start = time.perf_counter()
            at = widget.run()
            times[name].append(time.perf_counter() - start)
            if at.exception:
                raise SystemExit(f"the page failed: {at.exception[0].value}")
    return times


def line(label: str, times: list[float], goal: float | None = None) -> str:
    verdict = "" if goal is None else ("  (goal met)" if max(times) < goal else f"  (goal {goal * 1000:.0f} ms missed)")
    return f"{label:40s} median {statistics.median(times) * 1000:7.1f} ms, slowest {max(times) * 1000:7.1f} ms{verdict}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m dsconv.bench profile", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=int, default=20, help="profiles per network (default 20)")
    parser.add_argument("--rounds", type=int, default=12, help="page re-runs per kind of change (default 12)")
    args = parser.parse_args(argv)
    print(f"machine: {machine()}")
    print(line("profile MobileNetV2 from its config", time_profile("mobilenet_v2", args.repeats), GOAL_PROFILE_S))
    for name in ARCHITECTURES:
        if name != "mobilenet_v2":
            print(line(f"profile {ARCHITECTURES[name].title}", time_profile(name, max(3, args.repeats // 4))))
    for name, times in time_reruns(args.rounds).items():
        print(line(f"page re-run, change of {name}", times, GOAL_RERUN_S))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
