"""dlcourse.widgets.frame_slider: precomputed frames, linked in the browser (jslink)."""
import matplotlib

matplotlib.use("Agg")
import base64
import re

import ipywidgets as widgets
import matplotlib.pyplot as plt
import pytest

from dlcourse import widgets as dlw


def _draw(v):
    fig, ax = plt.subplots(figsize=(2, 2))
    ax.plot([0, 1], [0, v])
    ax.set_title(f"v = {v}")
    return fig


def _find(widget, cls):
    found = [widget] if isinstance(widget, cls) else []
    for child in getattr(widget, "children", ()):
        found += _find(child, cls)
    return found


def test_frame_slider_builds_a_stack_of_pngs_and_closes_figures():
    before = plt.get_fignums()
    box = dlw.frame_slider(_draw, [0.5, 1.0, 2.0], description="slope", value_format="{:.1f}",
                           alt="a line through the origin")
    assert isinstance(box, widgets.VBox)
    (stack,) = _find(box, widgets.Stack)
    assert len(stack.children) == 3
    for frame, label in zip(stack.children, ["0.5", "1.0", "2.0"]):
        src = re.search(r'src="data:image/png;base64,([^"]+)"', frame.value).group(1)
        assert base64.b64decode(src)[:4] == b"\x89PNG"
        assert f'alt="a line through the origin ({label})"' in frame.value
    (slider,) = _find(box, widgets.SelectionSlider)
    assert slider.options == ("0.5", "1.0", "2.0") and slider.description == "slope"
    assert plt.get_fignums() == before


def test_frame_slider_links_in_javascript(monkeypatch):
    calls = []
    real = widgets.jslink
    monkeypatch.setattr(widgets, "jslink", lambda a, b: calls.append((a, b)) or real(a, b))
    box = dlw.frame_slider(_draw, [1, 1, 2], value_format="{}")  # duplicate labels: IntSlider
    (stack,) = _find(box, widgets.Stack)
    (slider,) = _find(box, widgets.IntSlider)
    (play,) = _find(box, widgets.Play)
    assert slider.max == 2 and play.max == 2
    # jslink pairs traits in the browser (no Python callback), so it works on the static site.
    assert ((slider, "value"), (stack, "selected_index")) in calls
    assert ((play, "value"), (stack, "selected_index")) in calls


def test_frame_slider_without_alt_gives_images_no_alt():
    box = dlw.frame_slider(_draw, [1.0])
    (stack,) = _find(box, widgets.Stack)
    assert "alt=" not in stack.children[0].value  # the browser test then flags the page


def test_frame_slider_rejects_bad_input():
    with pytest.raises(ValueError, match="at least one"):
        dlw.frame_slider(_draw, [])
    with pytest.raises(TypeError, match="Figure"):
        dlw.frame_slider(lambda v: v, [1])
    with pytest.raises(TypeError, match="function"):
        dlw.frame_slider("draw", [1])


@pytest.mark.parametrize("values", [[0.5, 1.0, 2.0], [1, 1, 2]], ids=["SelectionSlider", "IntSlider"])
def test_frame_slider_shows_its_whole_label(values):
    # ipywidgets gives a description a fixed 80 px by default and cuts anything longer
    # ("backward …", "temperat…" on the website); "initial" lets the label take its own width.
    label = "temperature of the softmax"
    box = dlw.frame_slider(_draw, values, description=label)
    (slider,) = _find(box, (widgets.SelectionSlider, widgets.IntSlider))
    assert slider.description == label
    assert slider.style.description_width == "initial"
