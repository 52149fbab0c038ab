"""dlcourse.plot: every helper draws, validates its input shapes and leaves no figure behind."""
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from dlcourse import plot


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def test_colors_are_okabe_ito():
    assert plot.COLORS[:3] == ["#0072B2", "#E69F00", "#009E73"]
    assert len(plot.COLORS) == 8


def test_use_style_sets_palette():
    plot.use_style()
    cycle = [c["color"] for c in matplotlib.rcParams["axes.prop_cycle"]]
    assert cycle == plot.COLORS


def test_function_and_derivative():
    fig = plot.function_and_derivative({"square": (np.square, lambda x: 2 * x)})
    assert isinstance(fig, Figure) and len(fig.axes) == 2
    assert len(fig.axes[0].lines) == 1
    with pytest.raises(TypeError, match="pair"):
        plot.function_and_derivative({"bad": np.square})
    with pytest.raises(ValueError, match="one-dimensional"):
        plot.function_and_derivative({"sq": (np.square, np.square)}, x=np.zeros((2, 2)))


@pytest.mark.parametrize("kind", ["labels", "probs", "scores"])
def test_decision_boundary_accepts_labels_probs_and_scores(kind):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(40, 2))
    y = (X[:, 0] > 0).astype(int)
    predict = {
        "labels": lambda P: (P[:, 0] > 0).astype(int),
        "probs": lambda P: 1 / (1 + np.exp(-5 * P[:, :1])),
        "scores": lambda P: np.column_stack([-P[:, 0], P[:, 0]]),
    }[kind]
    ax = plot.decision_boundary(predict, X, y, title=kind)
    assert isinstance(ax, Axes) and ax.get_title() == kind


def test_decision_boundary_rejects_bad_shapes():
    with pytest.raises(ValueError, match=r"\(N, 2\)"):
        plot.decision_boundary(lambda P: P[:, 0], np.zeros((5, 3)), np.zeros(5))
    with pytest.raises(ValueError, match="y of shape"):
        plot.decision_boundary(lambda P: P[:, 0], np.zeros((5, 2)), np.zeros(4))


def test_loss_curves():
    ax = plot.loss_curves({"a": [3, 2, 1], "b": [1.0, 0.5]}, logy=True)
    assert len(ax.lines) == 2 and ax.get_yscale() == "log"
    with pytest.raises(ValueError, match="1-D"):
        plot.loss_curves({"a": np.zeros((2, 2))})


def test_contour_trajectories():
    path = np.array([[-4.0, 2.0], [-2.0, 1.0], [0.0, 0.0]])
    ax = plot.contour_trajectories(lambda x, y: x**2 / 20 + y**2, {"SGD": path}, (-5, 5), (-3, 3))
    assert ax.get_legend() is not None
    with pytest.raises(ValueError, match=r"\(T, 2\)"):
        plot.contour_trajectories(lambda x, y: x + y, {"bad": np.zeros(3)}, (-1, 1), (-1, 1))


@pytest.mark.parametrize("shape", [(10, 8, 8), (10, 1, 8, 8), (10, 64)])
def test_image_grid_shapes(shape):
    fig = plot.image_grid(np.zeros(shape), labels=list(range(10)), ncols=4)
    assert isinstance(fig, Figure)
    assert len([ax for ax in fig.axes if ax.images]) == 10


def test_image_grid_rejects_bad_input():
    with pytest.raises(ValueError, match="square"):
        plot.image_grid(np.zeros((3, 10)))
    with pytest.raises(ValueError, match="labels"):
        plot.image_grid(np.zeros((3, 4, 4)), labels=[1, 2])


def test_layer_histograms_and_feature_maps():
    rng = np.random.default_rng(0)
    fig = plot.layer_histograms([rng.normal(size=(20, 5)) for _ in range(3)], title="acts")
    assert len(fig.axes) == 3
    fig = plot.feature_maps(rng.normal(size=(6, 5, 5)), ncols=3)
    assert len([ax for ax in fig.axes if ax.images]) == 6
    with pytest.raises(ValueError, match=r"\(C, H, W\)"):
        plot.feature_maps(np.zeros((5, 5)))
    with pytest.raises(TypeError, match="list"):
        plot.layer_histograms(np.zeros(3))


def test_animate_returns_html_and_closes_the_figure():
    fig, ax = plt.subplots()
    (line,) = ax.plot([], [])
    html = plot.animate(fig, lambda i: line.set_data([0, i], [0, i]), frames=3, interval=50)
    assert "<script" in html.data and "anim" in html.data
    assert not plt.fignum_exists(fig.number)
    with pytest.raises(TypeError, match="Figure"):
        plot.animate("not a figure", lambda i: None, frames=2)


def test_animate_gives_its_image_the_alt_text():
    fig, ax = plt.subplots()
    (line,) = ax.plot([], [])
    html = plot.animate(fig, lambda i: line.set_data([0, i], [0, i]), frames=2,
                        alt='a line "growing" <up>').data
    assert 'alt="a line &quot;growing&quot; &lt;up&gt;" id="_anim_img' in html
    fig, ax = plt.subplots()
    assert "alt=" not in plot.animate(fig, lambda i: None, frames=2).data.split("_anim_img")[1][:5]
    with pytest.raises(TypeError, match="alt"):
        plot.animate(plt.figure(), lambda i: None, frames=2, alt=3)


def test_animate_loads_nothing_from_outside():
    fig, ax = plt.subplots()
    html = plot.animate(fig, lambda i: None, frames=2, alt="nothing moves").data
    assert "font-awesome" not in html and "https://" not in html.split("<script")[0]
    assert 'class="fa fa-play"' in html  # the icons stay; the book's theme styles them


def test_one_colour_per_method_in_every_plot():
    """An optimizer keeps its colour from figure to figure, whatever else is drawn with it."""
    from matplotlib.colors import to_hex

    assert len(set(plot.METHOD_COLORS.values())) >= 8
    assert set(plot.METHOD_COLORS.values()) <= set(plot.COLORS)
    path = np.array([[-4.0, 2.0], [0.0, 0.0]])
    for names in (["SGD", "Adam"], ["Adam", "NAdam", "Adagrad"], ["AdaDelta", "RMSProp"]):
        ax = plot.contour_trajectories(lambda x, y: x**2 + y**2, {n: path for n in names},
                                       (-5, 5), (-3, 3))
        lines = [ln for ln in ax.lines if ln.get_label() in names]
        assert {ln.get_label(): to_hex(ln.get_color()) for ln in lines} == {
            n: plot.METHOD_COLORS[n].lower() for n in names}
        ax = plot.loss_curves({n: [2.0, 1.0] for n in names})
        assert {ln.get_label(): to_hex(ln.get_color()) for ln in ax.lines} == {
            n: plot.METHOD_COLORS[n].lower() for n in names}
    assert plot.METHOD_COLORS["NAG"] == plot.METHOD_COLORS["Nesterov"]
    assert plot.METHOD_COLORS["RMSprop"] == plot.METHOD_COLORS["RMSProp"]
    assert plot.METHOD_COLORS["Adadelta"] == plot.METHOD_COLORS["AdaDelta"]
