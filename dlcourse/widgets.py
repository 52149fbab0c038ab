"""Widgets that still move on the static website, where no Python kernel runs.

A live ``ipywidgets.interact`` demo calls Python on every change, so on the website it would be
a dead control. ``frame_slider`` instead draws every frame in advance, stores the PNGs in a
``widgets.Stack`` (each an ``<img>`` with alt text) and links a slider (and a play button) to it with ``jslink``: the link lives
in the browser's JavaScript, so the slider keeps working in the built book. Nothing here runs at
import time.
"""
from __future__ import annotations

import base64
import html
import io
from typing import Callable, Sequence

import ipywidgets as widgets
import matplotlib.pyplot as plt
from matplotlib.figure import Figure

__all__ = ["frame_slider", "figure_png"]


def figure_png(fig: Figure) -> bytes:
    """Render a matplotlib Figure to PNG bytes and close it (so it is not also shown inline)."""
    if not isinstance(fig, Figure):
        raise TypeError(f"expected a matplotlib Figure; got {type(fig).__name__}")
    buf = io.BytesIO()
    try:
        fig.savefig(buf, format="png", bbox_inches="tight")
    finally:
        plt.close(fig)
    return buf.getvalue()


def _img_tag(png: bytes, alt: str) -> str:
    """An ``<img>`` holding the PNG inline (a ``widgets.Image`` cannot carry alt text)."""
    src = "data:image/png;base64," + base64.b64encode(png).decode("ascii")
    alt_attr = f' alt="{html.escape(alt)}"' if alt else ""
    return f'<img src="{src}"{alt_attr} style="max-width: 100%; height: auto">'


def frame_slider(draw: Callable[[object], Figure], values: Sequence, description: str = "",
                 value_format: str = "{}", interval: int = 600, *, alt: str = "") -> widgets.VBox:
    """A slider (with a play button) over figures drawn in advance, one per value.

    ``draw(v)`` is called once per value and must return a matplotlib Figure; each figure is
    saved as a PNG and closed. The slider, the play button and the image stack are linked with
    ``jslink``, so they work in the browser without a kernel (in Jupyter and on the website).

    Args:
        draw: ``v -> Figure``.
        values: the values to draw, in slider order (at least one; keep it under ~30 frames).
        description: the slider's label, e.g. ``"iteration"``.
        value_format: how a value is shown beside the slider, e.g. ``"lr = {:.2f}"``.
        interval: milliseconds per frame when playing.
        alt: what the figures show, in words, for readers who cannot see them; each frame's
            image gets it as alt text, followed by the frame's value, e.g.
            ``"the fitted line and its loss (b = 0.5)"``.

    Returns: an ``ipywidgets.VBox`` (end a cell with it to show it).

    Example::

        dl.widgets.frame_slider(lambda k: plot_step(k), range(10), description="step")
    """
    if not callable(draw):
        raise TypeError(f"draw must be a function value -> Figure; got {type(draw).__name__}")
    values = list(values)
    if not values:
        raise ValueError("values must hold at least one value to draw")
    pngs = []
    for v in values:
        fig = draw(v)
        if not isinstance(fig, Figure):
            raise TypeError(f"draw({v!r}) must return a matplotlib Figure; got {type(fig).__name__}")
        pngs.append(figure_png(fig))
    labels = [value_format.format(v) for v in values]
    frames = [widgets.HTML(_img_tag(png, f"{alt.strip()} ({label})" if alt.strip() else ""))
              for png, label in zip(pngs, labels)]
    stack = widgets.Stack(frames, selected_index=0)
    # ipywidgets gives a description a fixed 80 px and cuts a longer one ("temperat..."):
    # "initial" lets the label take the width it needs.
    style = {"description_width": "initial"}
    if len(set(labels)) == len(labels):  # the slider can show each value's own label
        slider = widgets.SelectionSlider(options=labels, index=0, description=description,
                                         continuous_update=True, style=style)
        widgets.jslink((slider, "index"), (stack, "selected_index"))
    else:
        slider = widgets.IntSlider(min=0, max=len(values) - 1, value=0, description=description,
                                   style=style)
        widgets.jslink((slider, "value"), (stack, "selected_index"))
    play = widgets.Play(min=0, max=len(values) - 1, value=0, interval=interval)
    widgets.jslink((play, "value"), (stack, "selected_index"))
    return widgets.VBox([widgets.HBox([play, slider]), stack])
