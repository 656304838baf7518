"""A made-up device for dsconv.speed.roofline.measure_roofs: its clock moves only when a fake step runs.

Shared by tests/engine/test_roofline.py and tests/pages/test_speed_page.py. Each smallest-layer call costs its pass's
seconds plus a settling cost that every layer call shares and that fades over the first calls (threads and caches
settling), so a pass timed while the machine settles comes out slower than it is.
"""

from __future__ import annotations


class SettlingDevice:
    """Fake steps for measure_roofs and the clock they move."""

    def __init__(self, forward_s: float, backward_s: float, settling_s: float = 0.0, settled_after: int = 1):
        self.now = 0.0
        self.costs = {"forward": forward_s, "forward_backward": backward_s}
        self.settling_s, self.settled_after = settling_s, settled_after
        self.calls: list[str] = []  # the pass of each smallest-layer call, in order

    def clock(self) -> float:
        return self.now

    def make_step(self, kind, pass_name, setup, seed=0):
        def step():
            fading = max(0.0, 1.0 - len(self.calls) / self.settled_after)
            self.calls.append(pass_name)
            self.now += self.costs[pass_name] + self.settling_s * fading
        return step

    def make_array_step(self, function, *arrays):
        def step():
            self.now += 0.01  # the matrix product and the copy: any fixed time will do
        return step


def measured_roofs(monkeypatch, device: SettlingDevice, repeats: int = 5):
    """measure_roofs run on the fake device (a tiny matrix and array: the roofs' rates are not what is tested)."""
    import dsconv.speed.steps as steps
    from dsconv.speed.roofline import measure_roofs

    monkeypatch.setattr(steps, "make_step", device.make_step)
    monkeypatch.setattr(steps, "make_array_step", device.make_array_step)
    return measure_roofs(matmul_size=4, copy_megabytes=1, repeats=repeats, clock=device.clock)
