"""Timing one convolution layer three ways on the current device: Conv2D, SeparableConv2D, DepthwiseConv2D + 1x1.

A measurement runs each layer's forward pass (and forward + backward pass) a few times to warm up (the
first call traces the function), then repeats it and keeps every sample, so the page can show the median
and the spread (interquartile range). The whole click shares one time cap: a call that would not fit
in what is left is not started, and its row says so. Counts of multiply-adds come from dsconv.costs.arithmetic.
The pieces: dsconv.speed.setup (what is timed), dsconv.speed.steps (one pass per backend),
dsconv.speed.timings (the results); this module schedules the calls.
"""

from __future__ import annotations

import time
from typing import Any, Callable, Sequence

from dsconv import ONE_AT_A_TIME
from dsconv.costs.intensity import COMPARED_KINDS
from dsconv.kinds import KINDS
from dsconv.safe_text import library_words
from dsconv.speed.setup import (
    PASS_LABELS,
    PASSES,
    SWEEP_PARAMETERS,
    SWEEP_VALUES,
    LayerSetup,
    Limits,
    Progress,
    SpeedConfigError,
    TimingSettings,
)
from dsconv.speed.steps import make_step, start_backend
from dsconv.speed.timings import SpeedReport, Timing

BACKEND_FAILED = "the backend could not run this step here"  # a skipped step's words when the backend raised


def _failed(kind: str, pass_name: str, setup: LayerSetup, error: BaseException) -> Timing:
    """A step the backend raised on, skipped with its words: TensorFlow's CPU library (oneDNN) cannot build
    SeparableConv2D's backward pass for 1 -> 1 channels and a 1 x 1 kernel (AbortedError, in the warm-up or a later
    call), which was a traceback on the page."""
    return Timing(kind, pass_name, setup, skipped=f"{BACKEND_FAILED} ({_backend_words(error)})")


def _backend_words(error: BaseException) -> str:
    """The line of a backend's error that says what failed: TensorFlow's starts with where in the graph ("Graph
    execution error: Detected at node ... File ...") and says it on a line near its end."""
    lines = [line.strip() for line in str(error).splitlines()]
    said = [line for line in lines if line and line != "Graph execution error:"
            and not line.startswith(("[[", "File ", "Detected at"))]
    return library_words(said[-1] if said else type(error).__name__, 120)


def time_steps(tasks: Sequence[tuple[str, str, LayerSetup]], settings: TimingSettings = TimingSettings(),
               progress: Progress | None = None, make: Callable[..., Callable[[], Any]] = make_step,
               clock: Callable[[], float] = time.perf_counter) -> list[Timing]:
    """Time each (kind, pass, setup) within one shared cap; a step that would not fit is skipped, not started.

    Steps of the same setup are timed in rounds, one call of each per round, so that a change in the
    machine's load (a shared CPU) hits every layer kind alike. Setups take their turns one after another,
    each with an even share of the time left; a step that cannot get settings.min_repeats calls is skipped.
    """
    settings.validate()
    start = clock()
    deadline = start + settings.time_cap_s
    setups = list(dict.fromkeys(setup for _, _, setup in tasks))
    results: dict[int, Timing] = {}
    shortest_preparation = 0.0  # building, tracing and warming up never took less: a lower bound for the next

    def report(fraction: float, text: str) -> None:
        if progress:
            progress(min(fraction, 1.0), text)

    for group, setup in enumerate(setups):
        # An even share of what is left sets the number of rounds; time a setup does not use passes on to the
        # next ones, and one whose preparation overran its share still gets its minimum rounds if the cap allows.
        group_deadline = clock() + (deadline - clock()) / (len(setups) - group)
        members = [(i, task) for i, task in enumerate(tasks) if task[2] == setup]
        base, width = group / len(setups), 1 / len(setups)
        prepared = []  # [task index, step, seconds per call]
        for done, (i, (kind, pass_name, _)) in enumerate(members):
            report(base + 0.3 * width * done / len(members),
                   f"Warming up {KINDS[kind].label}, {PASS_LABELS[pass_name]}")
            if clock() + shortest_preparation >= deadline:
                results[i] = Timing(kind, pass_name, setup, skipped="time cap reached before it started")
                continue
            began = clock()
            try:
                step = make(kind, pass_name, setup)
                for _ in range(settings.warmup):
                    call_began = clock()
                    step()
                    call_s = clock() - call_began  # the last warm-up predicts the timed calls
            except Exception as error:  # noqa: BLE001 - a backend's own error, of whatever class it raises
                results[i] = _failed(kind, pass_name, setup, error)
                continue
            preparation = clock() - began
            shortest_preparation = min(shortest_preparation, preparation) if shortest_preparation else preparation
            prepared.append([i, step, call_s])
        # The slowest steps give way until the minimum number of rounds fits in what is left of the cap.
        while prepared and settings.min_repeats * sum(p[2] for p in prepared) > deadline - clock():
            i, _, call_s = max(prepared, key=lambda p: p[2])
            prepared = [p for p in prepared if p[0] != i]
            kind, pass_name, _ = tasks[i]
            results[i] = Timing(kind, pass_name, setup, skipped=f"one call takes {call_s * 1e3:.0f} ms: "
                                f"{settings.min_repeats} of them do not fit in the time cap")
        round_s = sum(p[2] for p in prepared)
        affordable = int(max(group_deadline - clock(), 0.0) / round_s) if round_s > 0 else settings.repeats
        rounds = min(settings.repeats, max(settings.min_repeats, affordable))
        samples: dict[int, list[float]] = {p[0]: [] for p in prepared}
        for number in range(rounds):
            if number >= settings.min_repeats and clock() + round_s > group_deadline:
                break  # the calls ran slower than the warm-up promised
            report(base + width * (0.3 + 0.7 * number / rounds), f"Timing round {number + 1} of {rounds}"
                   + (f", layer {group + 1} of {len(setups)}" if len(setups) > 1 else ""))
            for entry in list(prepared):
                i, step, _ = entry
                began = clock()
                try:
                    step()
                except Exception as error:  # noqa: BLE001 - as in the warm-up
                    results[i] = _failed(*tasks[i], error)
                    prepared.remove(entry)
                    samples.pop(i)
                    continue
                samples[i].append((clock() - began) * 1e3)
        for i, values in samples.items():
            kind, pass_name, _ = tasks[i]
            results[i] = Timing(kind, pass_name, setup, tuple(values))
    report(1.0, f"Done in {clock() - start:.1f} s")
    return [results[i] for i in range(len(tasks))]


def device_name() -> str:
    """The device the Keras backend computes on: a GPU's name, else the CPU model and its cores."""
    with ONE_AT_A_TIME:
        from dsconv.devices import describe_device

    return str(describe_device()["description"])


def measure(setup: LayerSetup, kinds: Sequence[str] = COMPARED_KINDS, passes: Sequence[str] = PASSES,
            settings: TimingSettings = TimingSettings(), limits: Limits = Limits(),
            progress: Progress | None = None) -> SpeedReport:
    """Time forward and forward+backward of each layer kind for one configured layer."""
    setup.validate(limits)
    with ONE_AT_A_TIME:
        import keras

    startup_s = start_backend()
    began = time.perf_counter()
    timings = time_steps([(kind, pass_name, setup) for pass_name in passes for kind in kinds], settings, progress)
    return SpeedReport(timings, device_name(), keras.backend.backend(), time.perf_counter() - began,
                       startup_s=startup_s)


def sweep_setups(setup: LayerSetup, parameter: str, values: Sequence[int] | None = None,
                 limits: Limits = Limits()) -> tuple[list[LayerSetup], list[str]]:
    """The setups of a sweep over output channels or kernel size, and a note for each value left out."""
    if parameter not in SWEEP_PARAMETERS:
        raise SpeedConfigError(f"A sweep varies {' or '.join(SWEEP_PARAMETERS.values())}, not {parameter!r}.")
    setups, notes = [], []
    for value in values or SWEEP_VALUES[parameter]:
        candidate = setup.replace(**{parameter: value})
        try:
            candidate.validate(limits)
        except SpeedConfigError as exc:
            notes.append(f"{SWEEP_PARAMETERS[parameter]} {value} left out: {exc}")
            continue
        setups.append(candidate)
    return setups, notes


def sweep(setup: LayerSetup, parameter: str, pass_name: str = "forward", kinds: Sequence[str] = COMPARED_KINDS,
          values: Sequence[int] | None = None, settings: TimingSettings = TimingSettings(),
          limits: Limits = Limits(), progress: Progress | None = None) -> SpeedReport:
    """Time each layer kind while one size (output channels or kernel size) steps through its values."""
    setups, notes = sweep_setups(setup, parameter, values, limits)
    with ONE_AT_A_TIME:
        import keras

    startup_s = start_backend()
    began = time.perf_counter()
    timings = time_steps([(kind, pass_name, s) for s in setups for kind in kinds], settings, progress)
    return SpeedReport(timings, device_name(), keras.backend.backend(), time.perf_counter() - began, notes,
                       startup_s)
