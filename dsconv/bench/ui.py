"""How fast the light pages react: `python -m dsconv.bench ui [--repeats N]`.

Runs the Parameter lab under Streamlit's AppTest, moves the kernel-size slider back and forth and
times each re-run (the script run a slider change causes, without the browser's network and drawing
time), then sets never-seen output-channel counts (cold caches); then times runs of the home page. Prints median, spread and the machine (CPU model, cores).
Takes about a minute with the default 40 repeats on a 2-core CPU. The Parameter lab's goal: median under 150 ms.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import time
from pathlib import Path

from dsconv.devices import cpu_model

ROOT = Path(__file__).resolve().parents[2]
LAB = ROOT / "pages" / "1_Parameter_lab.py"
HOME = ROOT / "app.py"
GOAL_MS = 150.0  # the target for a slider change on a 2-core machine


def machine() -> str:
    """One line naming the CPU, the cores this process may use, Python and Streamlit."""
    import streamlit

    load = " ".join(f"{x:.2f}" for x in os.getloadavg()) if hasattr(os, "getloadavg") else "n/a"
    return (f"{cpu_model()} usable ({os.cpu_count()} logical), load average {load}; "
            f"Python {platform.python_version()}, Streamlit {streamlit.__version__}")


def summary(times_ms: list[float]) -> str:
    """Median, interquartile range, min and max of a list of milliseconds."""
    quartiles = statistics.quantiles(times_ms, n=4) if len(times_ms) > 1 else [times_ms[0]] * 3
    return (f"median {statistics.median(times_ms):.1f} ms, IQR {quartiles[0]:.1f}-{quartiles[2]:.1f} ms, "
            f"min {min(times_ms):.1f} ms, max {max(times_ms):.1f} ms (n={len(times_ms)})")


def timed_run(app, wall: list[float], cpu: list[float]) -> None:
    """Run the app once; note the wall-clock and the CPU milliseconds (CPU time ignores other users' load)."""
    start_wall, start_cpu = time.perf_counter(), time.process_time()
    app.run()
    wall.append((time.perf_counter() - start_wall) * 1000)
    cpu.append((time.process_time() - start_cpu) * 1000)


def lab_reruns(repeats: int) -> tuple[float, dict[str, tuple[list[float], list[float]]]]:
    """First run of the Parameter lab; `repeats` re-runs after a kernel-size slider change (values seen before,
    so caches help), and `repeats` after a change to a never-seen configuration (caches cold)."""
    from streamlit.testing.v1 import AppTest

    app = AppTest.from_file(str(LAB), default_timeout=120)
    start = time.perf_counter()
    app.run()
    first = (time.perf_counter() - start) * 1000
    if app.exception:
        raise RuntimeError(f"The Parameter lab raised: {app.exception[0].value}")
    runs: dict[str, tuple[list[float], list[float]]] = {"slider": ([], []), "cold": ([], [])}
    for index in range(repeats):
        # Alternate between many kernel sizes, so the cached results are partly new and partly reused.
        app.slider(key="lab_k").set_value(1 + index % 7)
        timed_run(app, *runs["slider"])
    for index in range(repeats):
        app.number_input(key="lab_cout").set_value(1000 + index)  # a new output-channel count each time
        timed_run(app, *runs["cold"])
    if app.exception:
        raise RuntimeError(f"The Parameter lab raised: {app.exception[0].value}")
    return first, runs


def home_runs(repeats: int) -> tuple[float, tuple[list[float], list[float]]]:
    """First run of the home page, then `repeats` re-runs (a visitor's reload)."""
    from streamlit.testing.v1 import AppTest

    app = AppTest.from_file(str(HOME), default_timeout=120)
    start = time.perf_counter()
    app.run()
    first = (time.perf_counter() - start) * 1000
    wall: list[float] = []
    cpu: list[float] = []
    for _ in range(repeats):
        timed_run(app, wall, cpu)
    return first, (wall, cpu)


def main(argv: list[str]) -> int:
    """Time the Parameter lab's slider re-runs and the home page's runs; print the figures and the machine."""
    parser = argparse.ArgumentParser(prog="python -m dsconv.bench ui", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=int, default=40, help="timed re-runs per page (default 40)")
    args = parser.parse_args(argv)
    if args.repeats < 2:
        parser.error("--repeats must be at least 2")

    print(f"machine: {machine()}")
    first, runs = lab_reruns(args.repeats)
    print(f"Parameter lab, first run (imports, cold caches): {first:.0f} ms")
    for name, what in (("slider", "a kernel-size slider change"), ("cold", "a never-seen configuration")):
        wall, cpu = runs[name]
        verdict = "meets" if statistics.median(wall) < GOAL_MS else "MISSES"
        print(f"Parameter lab, re-run after {what}:\n  wall {summary(wall)}; {verdict} the {GOAL_MS:.0f} ms goal"
              f"\n  CPU  {summary(cpu)}")
    first, (wall, cpu) = home_runs(args.repeats)
    print(f"Home page, first run: {first:.0f} ms")
    print(f"Home page, re-run:\n  wall {summary(wall)}\n  CPU  {summary(cpu)}")
    print("Wall time includes waiting for a busy CPU (see the load average); CPU time is this process's own work.")
    print("AppTest times the script run only; a browser adds the round trip and drawing.")
    return 0
