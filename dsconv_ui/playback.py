"""Playback buttons for an animated Plotly chart: previous and next step, play at three speeds, pause.

They run in the browser: a few lines of the app's own JavaScript (st.html) call Plotly.animate on the
chart that Streamlit drew, so nothing re-runs the script. Plotly's own buttons cannot step by one frame,
and its Pause leaves the interrupted Play's promise unhandled (a page error); here every call handles
its promise. The arrow keys step, the space bar plays and pauses (when no input field has the focus).
"""

from __future__ import annotations

import json

import streamlit as st

SPEEDS = (("Slow", 1200), ("Play", 500), ("Fast", 150))  # milliseconds per frame

# A press brings the chart's bottom into view when it is below the window (in projector mode the controls fill the
# first screen, and the class would watch nothing), but never scrolls `keep` (the buttons) out of sight: not above
# the window, nor under Streamlit's header, which hides what scrolls under it. The window scrolls whatever holds
# the page (Streamlit's main block, or the document itself).
_VIEW = """
  const scroller = (from) => {
    for (let box = from.parentElement; box; box = box.parentElement) {
      const overflow = getComputedStyle(box).overflowY;
      if ((overflow === 'auto' || overflow === 'scroll') && box.scrollHeight > box.clientHeight) return box;
    }
    return document.scrollingElement || document.documentElement;
  };
  const ceiling = () => {
    const header = document.querySelector('[data-testid="stHeader"]');
    if (!header || getComputedStyle(header).display === 'none') return 0;
    return Math.max(0, header.getBoundingClientRect().bottom);
  };
  const reveal = (gd, keep) => {
    if (!gd || !keep) return;
    const below = gd.getBoundingClientRect().bottom + 4 - window.innerHeight;
    const by = Math.min(below, keep.getBoundingClientRect().top - ceiling() - 4);
    if (below > 0 && by > 0) scroller(gd).scrollBy({top: by, behavior: 'smooth'});
  };
"""

_SCRIPT = """
<script>
(function () {
  const bar = document.querySelector('.dsconv-playback[data-chart="__KEY__"]');
  if (!bar || bar.dataset.bound === '1') return;
  bar.dataset.bound = '1';
  const redraw = bar.dataset.redraw === '1';
  const chart = () => document.querySelector('.st-key-__KEY__ .js-plotly-plot');
  const count = () => { const gd = chart(); return gd && gd._transitionData ? gd._transitionData._frames.length : 0; };
  let requested = null, requestedAt = 0;  // a step asked for, until the chart has drawn it (clicks can be quick)
  const current = () => {
    if (requested !== null && Date.now() - requestedAt < 400) return requested;
    const gd = chart();
    if (!gd || !gd._fullLayout) return 0;
    const name = gd._fullLayout._currentFrame;
    if (name !== undefined && name !== null && !isNaN(parseInt(name))) return parseInt(name);
    const slider = (gd._fullLayout.sliders || [])[0];
    return slider && slider.active ? slider.active : 0;
  };
  const still = {frame: {duration: 0, redraw: redraw}, transition: {duration: 0}, mode: 'immediate'};
  // Playing or not, whoever started or stopped it (a button, a key, the end of the frames): the space bar asks.
  const playing = (on) => { bar.dataset.playing = on ? '1' : '0'; };
  const go = (index) => {
    playing(false);
    const gd = chart();
    if (!gd || !window.Plotly || !count()) return;
    const target = Math.max(0, Math.min(count() - 1, index));
    requested = target;
    requestedAt = Date.now();
    window.Plotly.animate(gd, [String(target)], still).catch(() => {});
  };
  const play = (ms) => {
    requested = null;
    const gd = chart();
    if (!gd || !window.Plotly) return;
    if (!gd.dataset.dsconvWatched) {
      gd.dataset.dsconvWatched = '1';
      gd.on('plotly_animated', () => playing(false));  // the last frame was drawn
    }
    playing(true);
    const atEnd = current() >= count() - 1;
    window.Plotly.animate(gd, null, {frame: {duration: ms, redraw: redraw}, transition: {duration: 0},
                                     mode: 'immediate', fromcurrent: !atEnd}).catch(() => {});
  };
  const pause = () => {
    playing(false);
    requested = null;
    const gd = chart();
    if (gd && window.Plotly) window.Plotly.animate(gd, [null], still).catch(() => {});
  };
__VIEW__  bar.querySelectorAll('button').forEach((button) => {
    button.addEventListener('click', () => {
      reveal(chart(), bar.querySelector('button'));
      const action = button.dataset.action;
      if (action === 'prev') go(current() - 1);
      else if (action === 'next') go(current() + 1);
      else if (action === 'pause') pause();
      else play(parseInt(button.dataset.ms));
    });
  });
  if (bar.dataset.keys === '1' && !window.dsconvKeys) {
    window.dsconvKeys = true;
    document.addEventListener('keydown', (event) => {
      const target = event.target;
      if (target && (target.isContentEditable || /INPUT|TEXTAREA|SELECT/.test(target.tagName))) return;
      if (event.key === ' ' && target && target.tagName === 'BUTTON') return;  // space presses a focused button
      const keyed = document.querySelector('.dsconv-playback[data-keys="1"]');
      if (!keyed) return;
      const click = (action) => keyed.querySelector(`button[data-action="${action}"]`).click();
      if (event.key === 'ArrowRight') { click('next'); event.preventDefault(); }
      else if (event.key === 'ArrowLeft') { click('prev'); event.preventDefault(); }
      else if (event.key === ' ') {
        if (keyed.dataset.playing === '1') click('pause'); else keyed.querySelector('button[data-default="1"]').click();
        event.preventDefault();
      }
    });
  }
})();
</script>
"""

_STYLE = """
<style>
.dsconv-playback { display: flex; flex-wrap: wrap; gap: 0.4rem; align-items: center; margin: 0.2rem 0 0 0; }
.dsconv-playback button { font: inherit; font-size: 1.05rem; padding: 0.35rem 0.6rem; border-radius: 0.5rem;
  border: 1px solid #9ca3af; background: #ffffff; color: #111827; cursor: pointer; min-height: 2.4rem; }
.dsconv-playback button:hover { border-color: #c2410c; color: #9a3412; }
.dsconv-playback button:focus-visible { outline: 3px solid #c2410c; outline-offset: 2px; }
.dsconv-playback .dsconv-hint { color: #374151; font-size: 0.95rem; margin-left: 0.4rem; }
/* A phone or tablet without a keyboard has no arrow keys or space bar to press */
@media (hover: none) and (pointer: coarse) { .dsconv-playback .dsconv-hint { display: none; } }
</style>
"""


def playback_bar(chart_key: str, redraw: bool = False, keys: bool = True) -> None:
    """Buttons that play, pause and step the animated chart drawn with st.plotly_chart(key=chart_key).

    redraw: WebGL (3-D) charts need a redraw per frame. keys: the arrow keys and the space bar drive this chart.
    """
    buttons = ['<button type="button" data-action="prev" title="Previous step (←)">⏮ Previous</button>']
    buttons += [f'<button type="button" data-action="play" data-ms="{ms}" title="Play, {ms} ms a step">▶ {name}</button>'
                for name, ms in SPEEDS]
    buttons[2] = buttons[2].replace('data-action="play"', 'data-action="play" data-default="1"')
    buttons.append('<button type="button" data-action="pause" title="Pause (space)">❚❚ Pause</button>')
    buttons.append('<button type="button" data-action="next" title="Next step (→)">Next ⏭</button>')
    hint = '<span class="dsconv-hint">keys: ← → step, space plays and pauses</span>' if keys else ""
    html = (f'{_STYLE}<div class="dsconv-playback" data-chart="{chart_key}" data-redraw="{int(redraw)}" '
            f'data-keys="{int(keys)}" role="toolbar" aria-label="Animation controls">{"".join(buttons)}{hint}</div>'
            + _SCRIPT.replace("__VIEW__", _VIEW).replace("__KEY__", json.dumps(chart_key)[1:-1]))
    st.html(html, unsafe_allow_javascript=True)


# Plotly's own Play button and slider, inside the chart: the same reveal when either is pressed, and both work from
# the keyboard. Plotly draws them as SVG that no Tab reaches (the arena's replay could be played only with a mouse):
# its buttons become buttons (Enter or space presses one), its slider a slider (the arrow keys, Home and End step the
# frames), each with the playback buttons' focus ring.
_PLOTLY_CONTROLS = """
<style>
.js-plotly-plot .updatemenu-button:focus-visible, .js-plotly-plot .slider-group:focus-visible { outline: none; }
.js-plotly-plot .updatemenu-button:focus-visible rect.updatemenu-item-rect,
.js-plotly-plot .slider-group:focus-visible rect.slider-rail { stroke: #c2410c !important; stroke-width: 3px; }
</style>
<script>
(function () {
  const key = "__KEY__";
  window.dsconvRevealing = window.dsconvRevealing || {};
  if (window.dsconvRevealing[key]) return;
  window.dsconvRevealing[key] = true;
  __VIEW__
  document.addEventListener('click', (event) => {
    const target = event.target;
    const control = target && target.closest && target.closest('.updatemenu-button, .slider-group');
    if (!control) return;
    const gd = control.closest(`.st-key-${key} .js-plotly-plot`);
    if (gd) reveal(gd, control);
  }, true);
  const chart = () => document.querySelector(`.st-key-${key} .js-plotly-plot`);
  const frames = (gd) => (gd && gd._transitionData ? gd._transitionData._frames : []);
  const shown = (gd) => {
    const names = frames(gd).map((frame) => String(frame.name));
    const found = names.indexOf(String(gd._fullLayout && gd._fullLayout._currentFrame));
    const slider = ((gd._fullLayout && gd._fullLayout.sliders) || [])[0];
    return found >= 0 ? found : (slider && slider.active !== undefined ? slider.active : names.length - 1);
  };
  const step = (gd, control, index) => {
    const all = frames(gd);
    if (!all.length || !window.Plotly) return;
    const target = Math.max(0, Math.min(all.length - 1, index));
    reveal(gd, control);
    window.Plotly.animate(gd, [String(all[target].name)], {frame: {duration: 0, redraw: false},
                                                          transition: {duration: 0}, mode: 'immediate'})
      .catch(() => {});
    control.setAttribute('aria-valuenow', String(all[target].name));
  };
  const enable = () => {
    const gd = chart();
    if (!gd) return;
    gd.querySelectorAll('.updatemenu-button').forEach((button) => {
      if (button.getAttribute('tabindex') === '0') return;
      const text = button.querySelector('text');
      button.setAttribute('tabindex', '0');
      button.setAttribute('role', 'button');
      button.setAttribute('aria-label', text ? text.textContent.replace(/[^A-Za-z ]/g, '').trim() : 'Play');
      button.addEventListener('keydown', (event) => {
        if (event.key !== 'Enter' && event.key !== ' ') return;
        event.preventDefault();
        button.dispatchEvent(new MouseEvent('click', {bubbles: true}));
      });
    });
    const slider = gd.querySelector('.slider-group');
    if (slider && frames(gd).length) {  // the epoch it shows, for a screen reader (a slider must say its value)
      slider.setAttribute('aria-valuenow', String(frames(gd)[Math.max(0, shown(gd))].name));
    }
    if (slider && slider.getAttribute('tabindex') !== '0') {
      const names = frames(gd).map((frame) => String(frame.name));
      slider.setAttribute('tabindex', '0');
      slider.setAttribute('role', 'slider');
      slider.setAttribute('aria-label', 'Epoch');
      slider.setAttribute('aria-valuemin', names[0] || '0');
      slider.setAttribute('aria-valuemax', names[names.length - 1] || '0');
      slider.addEventListener('keydown', (event) => {
        const now = shown(gd);
        const to = {ArrowRight: now + 1, ArrowUp: now + 1, ArrowLeft: now - 1, ArrowDown: now - 1, Home: 0,
                    End: frames(gd).length - 1}[event.key];
        if (to === undefined) return;
        event.preventDefault();
        step(gd, slider, to);
      });
    }
  };
  // Plotly draws the controls after the chart's script arrives, and again after each new figure: look twice a
  // second (a few selector calls) rather than watch every change an animation makes to the SVG
  setInterval(enable, 500);
})();
</script>
"""


def reveal_on_play(chart_key: str) -> None:
    """Pressing Play (or the slider) of the animated chart drawn with st.plotly_chart(key=chart_key), with Plotly's
    own controls, scrolls the chart's bottom into view, never the pressed control out of sight (as playback_bar);
    and those controls work from the keyboard: Tab reaches them, Enter or space presses a button, the arrow keys,
    Home and End move the slider."""
    script = _PLOTLY_CONTROLS.replace("__VIEW__", _VIEW).replace("__KEY__", json.dumps(chart_key)[1:-1])
    st.html(script, unsafe_allow_javascript=True)
