"""A class on one server, seen from the server: `python -m dsconv.bench crowd [--sessions 30]`.

`bench pages --sessions N` drives N Chromium tabs, and on one machine the tabs, not the server, set its times (they
used 96 % of the CPU there). This bench speaks Streamlit's own protocol instead: each session is one websocket that
sends what a browser sends (a BackMsg asking for a run, with the page and the widgets' values) and reads what the
server answers (ForwardMsgs) until the run has finished. Nothing is drawn, so the time is the server's: from the
request until its "script finished" message, everything the app sends included.

Each session opens the Filters page's learned view and then the Parameter lab, as a student would, and changes the
lab's output channels N five times; every answer must contain the new output shape ("30 x 30 x N") and no exception
element. After one untimed session (the server's first runs), it times one session alone (0.3 s between changes), then N
sessions:
- a burst: every session sends its change at the same moment (a barrier before each of the five), the worst case;
- a class: between changes each session pauses for a think time drawn from 1-4 s (seeded), like students.
Goals at 30 sessions: a median within 3x of one session's and a p95 under 1.5 s. The clients run in this process
at a lower CPU priority than the server. Then the same rounds on a reference page, on its own server: one number
input and one line of text, the least any Streamlit page costs the server for the same change. About a minute and a
half on a 2-core CPU.

`--keras` has both servers import Keras before their first run, as the app's server has once a Training arena launch
trained on a thread or the Speed lab measured. Streamlit then clears Keras's session after every run, a full
gc.collect(), unless the page stops it (dsconv_ui.common.leave_keras_alone, which every app page calls); the reference
page does not, so its times show what every page cost before.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from dsconv.bench.pages import (
    ALONE_PAUSE_S,
    GOAL_CROWD_RATIO,
    GOAL_P95_S,
    ROOT,
    THINK_S,
    machine_cpu_seconds,
    percentile,
    process_cpu_seconds,
    resident_mb,
    server,
    with_app_settings,
)
from dsconv.bench.ui import machine

CHANGES = 5  # widget changes per session, as in `bench pages --sessions`
FIELD = "Out channels N"  # the Parameter lab's widget each session changes
TIMEOUT_S = 300
VISITS = ("Filters_on_your_image", "Parameter_lab")  # the pages each session opens, in order (the lab last)
# The least a Streamlit page can do for the same change: one number input and the shape it gives. Timed the same
# way on its own server, it shows what any page costs the server, whatever the page computes.
REFERENCE_PAGE = ('import streamlit as st\n\nn = st.number_input("Out channels N", value=64)\n'
                  'st.write(f"30 x 30 x {n}")\n')


class ProtocolError(RuntimeError):
    """The server answered something a browser would not expect."""


@dataclass
class Answer:
    """What the server sent for one run: the seconds until it finished, and what it drew."""
    seconds: float
    payload: bytes = b""
    widgets: dict[str, tuple[str, str]] = field(default_factory=dict)  # label -> (widget id, number type)
    errors: int = 0


class Session:
    """One websocket session, speaking Streamlit's protocol the way its browser client does."""

    def __init__(self, socket) -> None:
        self.socket = socket

    async def run(self, page: str, widget_states: list | None = None) -> Answer:
        """Ask for a run of `page` with these widget states; read the answers until the run has finished."""
        from streamlit.proto.BackMsg_pb2 import BackMsg
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

        message = BackMsg()
        message.rerun_script.page_name = page
        message.rerun_script.widget_states.widgets.extend(widget_states or [])
        started = time.perf_counter()
        await self.socket.send(message.SerializeToString())
        answer, parts = Answer(0.0), []
        while True:
            data = await asyncio.wait_for(self.socket.recv(), TIMEOUT_S)
            reply = ForwardMsg()
            reply.ParseFromString(data)
            kind = reply.WhichOneof("type")
            if kind == "page_not_found":
                raise ProtocolError(f"the server has no page {page!r}")
            if kind == "delta" and reply.delta.WhichOneof("type") == "new_element":
                element = reply.delta.new_element
                parts.append(data)
                answer.errors += element.WhichOneof("type") == "exception"
                if element.WhichOneof("type") == "number_input":
                    number = element.number_input
                    answer.widgets[number.label] = (number.id, "int" if number.data_type == number.INT else "float")
            if kind == "script_finished" and reply.script_finished != ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                answer.seconds = time.perf_counter() - started
                answer.payload = b"".join(parts)
                return answer


async def open_session(url: str):
    """A websocket to the server's stream endpoint, as the browser opens it (subprotocol "streamlit")."""
    from websockets.asyncio.client import connect

    return await connect(url.replace("http://", "ws://") + "/_stcore/stream", subprotocols=["streamlit"],
                         max_size=None, open_timeout=TIMEOUT_S, ping_interval=None, close_timeout=2)


def number_state(widget: tuple[str, str], value: int):
    """The WidgetState a browser sends for a number input set to `value`."""
    from streamlit.proto.WidgetStates_pb2 import WidgetState

    widget_id, number_type = widget
    state = WidgetState(id=widget_id)
    if number_type == "int":
        state.int_value = value
    else:
        state.double_value = float(value)
    return state


async def student(url: str, first_n: int, think: tuple[float, float] | None, seed: int,
                  barrier: asyncio.Barrier | None = None, visits: tuple[str, ...] = VISITS) -> tuple[list[float], int]:
    """Open the pages `visits` (the Filters page's learned view, then the Parameter lab), then change N CHANGES
    times. Returns the seconds of each change's run and the number of exception elements seen."""
    pause = random.Random(seed)
    socket = await open_session(url)
    session, errors, seconds = Session(socket), 0, []
    try:
        for page in visits:
            answer = await session.run(page)
            errors += answer.errors
        if FIELD not in answer.widgets:
            raise ProtocolError(f"the page {visits[-1]!r} drew no number input labelled {FIELD!r}")
        widget = answer.widgets[FIELD]
        for n in range(first_n, first_n + CHANGES):
            if barrier is not None:
                await barrier.wait()
            elif think:
                await asyncio.sleep(pause.uniform(*think))
            answer = await session.run(visits[-1], [number_state(widget, n)])
            errors += answer.errors
            shown = answer.payload.replace("\u00a0".encode(), b" ")  # a table's short cell has no-break spaces
            if f"30 x 30 x {n}".encode() not in shown:
                raise ProtocolError(f"the run after setting N to {n} does not show the shape 30 x 30 x {n}")
            seconds.append(answer.seconds)
        return seconds, errors
    finally:
        await socket.close()


async def class_of(url: str, sessions: int, paced: bool, visits: tuple[str, ...] = VISITS) -> tuple[list[float], int]:
    """`sessions` students at once: in a burst (a barrier before each change) or paced (think times)."""
    barrier = None if paced else asyncio.Barrier(sessions)
    results = await asyncio.gather(*(student(url, 100 + 10 * i, THINK_S if paced else None, seed=i, barrier=barrier,
                                             visits=visits) for i in range(sessions)))
    return [s for seconds, _ in results for s in seconds], sum(errors for _, errors in results)


def verdict(name: str, times: list[float], one: float) -> str:
    """One line: the median and p95 against one session alone, and whether the goals are met."""
    median, p95 = statistics.median(times), percentile(times, 0.95)
    ratio = median / one
    met = ratio <= GOAL_CROWD_RATIO and p95 <= GOAL_P95_S
    return (f"  {name:34s} median {median * 1000:6.0f} ms ({ratio:4.1f}x one session), p95 {p95 * 1000:6.0f} ms, "
            f"{len(times)} re-runs: {'goals met' if met else 'goals missed'} "
            f"({GOAL_CROWD_RATIO:.0f}x, {GOAL_P95_S * 1000:.0f} ms)")


def rounds(url: str, pid: int, sessions: int, visits: tuple[str, ...], title: str) -> int:
    """One server's rounds, printed: its first runs (untimed), one session alone, then `sessions` in a burst and
    paced. Returns the number of exception elements the sessions saw."""
    _, errors = asyncio.run(student(url, 40, None, seed=0, visits=visits))
    alone, seen = asyncio.run(student(url, 60, ALONE_PAUSE_S, seed=0, visits=visits))
    one, errors = statistics.median(alone), errors + seen
    print(f"\n{title}\n  {'one session alone':34s} median {one * 1000:6.0f} ms")
    for name, paced in ((f"{sessions} sessions, in a burst", False), (f"{sessions} sessions, paced 1-4 s", True)):
        server_before, machine_before, started = process_cpu_seconds(pid), machine_cpu_seconds(), time.monotonic()
        times, seen = asyncio.run(class_of(url, sessions, paced, visits=visits))
        wall = time.monotonic() - started
        server_cpu, machine_cpu = process_cpu_seconds(pid) - server_before, machine_cpu_seconds() - machine_before
        errors += seen
        print(verdict(name, times, one))
        print(f"  {'':34s} CPU in those {wall:.0f} s: the server {server_cpu:.1f} s, the whole machine "
              f"{machine_cpu:.1f} s of {wall * (os.cpu_count() or 1):.0f} s")
    return errors


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m dsconv.bench crowd", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sessions", type=int, default=30, help="students at once (default 30)")
    parser.add_argument("--keras", action="store_true",
                        help="both servers import Keras before their first run, as the app's server has after a "
                             "Training arena launch or a Speed lab measure; the reference page lets Streamlit clear "
                             "Keras's session after each run, as every page did before dsconv_ui.common."
                             "leave_keras_alone")
    args = parser.parse_args(argv)
    if not 1 <= args.sessions <= 200:
        print("error: --sessions takes 1 to 200", file=sys.stderr)
        return 2
    try:
        import websockets  # noqa: F401  (Streamlit's server depends on it, so it is there wherever Streamlit is)
    except ImportError:
        print("error: the websockets package is missing (python3 -m pip install websockets)", file=sys.stderr)
        return 2
    print(machine())
    # Both servers start before this process lowers its priority, so each runs above its clients.
    preload = ("keras",) if args.keras else ()
    with tempfile.TemporaryDirectory() as folder, server(ROOT / "app.py", ROOT, preload) as (url, pid):
        script = Path(folder) / "reference.py"
        script.write_text(REFERENCE_PAGE)
        with server(script, with_app_settings(folder), preload) as (reference_url, reference_pid):
            os.nice(10)  # the clients below run at a lower priority than the servers
            errors = rounds(url, pid, args.sessions, VISITS,
                            "Re-runs of the Parameter lab after a change of N, timed at the server's answer "
                            f"({CHANGES} changes a session):")
            print(f"Server memory {resident_mb(pid):.0f} MB")
            errors += rounds(reference_url, reference_pid, args.sessions, ("",),
                             "The same, for the least a page can do (one number input and one line of text, on "
                             "its own server with the app's settings" +
                             ("; Streamlit clears Keras's session after each of its runs" if args.keras else "") +
                             "):")
    print(f"\nErrors seen: {errors}")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
