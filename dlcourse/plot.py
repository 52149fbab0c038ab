"""Plotting helpers that keep chapter cells short.

Every function returns (or draws on) a matplotlib object, so a chapter can still add a title or
a line after calling it. Colours come from the colour-blind-safe Okabe-Ito palette, ``COLORS``.
Call ``use_style()`` once in a chapter's first cell. Nothing here runs at import time.

A little over 300 lines on purpose: ten short, independent helpers, one per kind of figure the
chapters draw, all reached as ``dl.plot.<name>``; none is over 40 lines, and splitting them
over modules would only add imports for a reader to follow.
"""
from __future__ import annotations

import html as _html
import re
from typing import Callable, Mapping, Sequence

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.colors import ListedColormap
from matplotlib.figure import Figure

__all__ = [
    "COLORS", "METHOD_COLORS", "use_style", "function_and_derivative", "decision_boundary", "loss_curves",
    "contour_trajectories", "image_grid", "layer_histograms", "feature_maps", "animate",
]

#: Okabe-Ito palette: blue, orange, green, vermillion, purple, sky blue, yellow, black.
COLORS = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000"]

#: One colour per optimizer, the same in every figure of the course (chapter 8 onwards).
#: ``loss_curves`` and ``contour_trajectories`` use it for runs named after a method.
METHOD_COLORS = {
    "SGD": "#000000", "Momentum": "#E69F00", "Nesterov": "#56B4E9", "NAG": "#56B4E9",
    "Adagrad": "#D55E00", "RMSProp": "#0072B2", "RMSprop": "#0072B2",
    "AdaDelta": "#F0E442", "Adadelta": "#F0E442", "Adam": "#009E73", "NAdam": "#CC79A7",
}


def _to_numpy(a, name: str) -> np.ndarray:
    """An array from a NumPy array, a list or a torch tensor (detached, on the CPU)."""
    if hasattr(a, "detach"):  # a torch tensor, without importing torch
        a = a.detach().cpu().numpy()
    try:
        return np.asarray(a)
    except Exception as exc:  # pragma: no cover - exotic objects
        raise TypeError(f"{name} must be array-like; got {type(a).__name__}") from exc


def use_style() -> None:
    """Set the course's figure style: Okabe-Ito colours, light grid, readable sizes.

    Call it once in a chapter's first code cell. It changes ``matplotlib.rcParams`` only.
    """
    matplotlib.rcParams.update({
        "figure.figsize": (6.4, 4.0),
        "figure.dpi": 100,
        "savefig.dpi": 100,
        "axes.prop_cycle": matplotlib.cycler(color=COLORS),
        "axes.grid": True,
        "grid.alpha": 0.3,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.titlesize": 12,
        "axes.labelsize": 11,
        "legend.frameon": False,
        "image.cmap": "viridis",
        "animation.html": "jshtml",
    })


def function_and_derivative(fns: Mapping[str, tuple[Callable, Callable]],
                            x: np.ndarray | None = None) -> Figure:
    r"""Plot functions (left) beside their derivatives (right).

    Args:
        fns: ``{name: (f, df)}``; ``f`` and ``df`` map an array to an array of the same shape.
        x: points to evaluate at; default 401 points on [-5, 5].

    Returns: the Figure. Chapter 3 uses it for activation functions.
    """
    if not isinstance(fns, Mapping) or not fns:
        raise TypeError(f"fns must be a non-empty dict {{name: (f, df)}}; got {type(fns).__name__}")
    x = np.linspace(-5, 5, 401) if x is None else _to_numpy(x, "x").astype(float)
    if x.ndim != 1:
        raise ValueError(f"x must be one-dimensional; got shape {x.shape}")
    fig, (ax_f, ax_df) = plt.subplots(1, 2, figsize=(10, 3.8))
    for name, pair in fns.items():
        if not (isinstance(pair, (tuple, list)) and len(pair) == 2 and all(map(callable, pair))):
            raise TypeError(f"fns[{name!r}] must be a pair (f, df) of functions; got {pair!r}")
        f, df = pair
        ax_f.plot(x, _to_numpy(f(x), name), label=name)
        ax_df.plot(x, _to_numpy(df(x), name), label=name)
    ax_f.set(title="Function", xlabel="x", ylabel="f(x)")
    ax_df.set(title="Derivative", xlabel="x", ylabel="f'(x)")
    ax_f.legend()
    fig.tight_layout()
    return fig


def _labels_from_output(out: np.ndarray) -> np.ndarray:
    """Class labels from a predict output: labels, probabilities or scores."""
    if out.ndim == 2 and out.shape[1] > 1:
        return out.argmax(axis=1)
    out = out.reshape(-1)
    if np.issubdtype(out.dtype, np.integer) or np.issubdtype(out.dtype, np.bool_):
        return out.astype(int)
    if np.all(out == np.round(out)):  # whole numbers: labels stored as floats
        return out.astype(int)
    return (out >= 0.5).astype(int)


def decision_boundary(predict: Callable, X: np.ndarray, y: np.ndarray, ax: Axes | None = None,
                      title: str = "", resolution: int = 200) -> Axes:
    """Shade the regions a 2-D classifier assigns to each class and scatter the data on top.

    Args:
        predict: maps points of shape (M, 2) to labels (M,), probabilities of class 1 (M,) or
            (M, 1) (thresholded at 0.5), or class scores (M, C) (arg-max).
        X: points, shape (N, 2). y: their integer labels, shape (N,).
        ax: Axes to draw on (a new figure if None). title: the Axes title.

    Returns: the Axes. Chapter 2 uses it for perceptrons.
    """
    if not callable(predict):
        raise TypeError(f"predict must be a function; got {type(predict).__name__}")
    X, y = _to_numpy(X, "X").astype(float), _to_numpy(y, "y")
    if X.ndim != 2 or X.shape[1] != 2:
        raise ValueError(f"decision_boundary expects X of shape (N, 2); got {X.shape}")
    if y.shape != (X.shape[0],):
        raise ValueError(f"decision_boundary expects y of shape ({X.shape[0]},); got {y.shape}")
    if ax is None:
        _, ax = plt.subplots(figsize=(5, 4.5))
    pad = 0.1 * (X.max(axis=0) - X.min(axis=0)) + 0.25
    lo, hi = X.min(axis=0) - pad, X.max(axis=0) + pad
    gx, gy = np.meshgrid(np.linspace(lo[0], hi[0], resolution), np.linspace(lo[1], hi[1], resolution))
    grid = np.column_stack([gx.ravel(), gy.ravel()])  # (resolution**2, 2)
    zz = _labels_from_output(_to_numpy(predict(grid), "predict(grid)")).reshape(gx.shape)
    classes = np.unique(np.concatenate([zz.ravel(), y.astype(int)]))
    cmap = ListedColormap([COLORS[int(c) % len(COLORS)] for c in range(classes.max() + 1)])
    levels = np.arange(classes.max() + 2) - 0.5
    ax.contourf(gx, gy, zz, levels=levels, cmap=cmap, alpha=0.25)
    for c in np.unique(y.astype(int)):
        pts = X[y.astype(int) == c]
        ax.scatter(pts[:, 0], pts[:, 1], s=25, color=COLORS[c % len(COLORS)],
                   edgecolors="black", linewidths=0.5, label=f"class {c}")
    ax.set(title=title, xlabel="$x_1$", ylabel="$x_2$", xlim=(lo[0], hi[0]), ylim=(lo[1], hi[1]))
    ax.legend(loc="best", fontsize=9)
    return ax


def loss_curves(histories: Mapping[str, Sequence[float]], ax: Axes | None = None,
                logy: bool = False) -> Axes:
    """Plot one loss curve per named run (x axis: epoch or step, starting at 1).

    Args:
        histories: ``{name: [loss_1, loss_2, ...]}``.
        ax: Axes to draw on (a new figure if None). logy: logarithmic y axis.

    Returns: the Axes.
    """
    if not isinstance(histories, Mapping):
        raise TypeError(f"histories must be a dict {{name: list of losses}}; got {type(histories).__name__}")
    if ax is None:
        _, ax = plt.subplots()
    for name, values in histories.items():
        values = _to_numpy(values, f"histories[{name!r}]").astype(float)
        if values.ndim != 1:
            raise ValueError(f"histories[{name!r}] must be a 1-D list of losses; got shape {values.shape}")
        ax.plot(np.arange(1, len(values) + 1), values, label=name,
                color=METHOD_COLORS.get(name))  # None: the next colour of the cycle
    ax.set(xlabel="epoch", ylabel="loss", title="Loss curves")
    if logy:
        ax.set_yscale("log")
    if histories:
        ax.legend()
    return ax


def contour_trajectories(f: Callable, paths: Mapping[str, np.ndarray], xlim: tuple[float, float],
                         ylim: tuple[float, float], ax: Axes | None = None) -> Axes:
    """Draw the contours of ``f(x, y)`` and the paths that optimizers took over it.

    Args:
        f: a function of two arrays (element-wise), e.g. ``lambda x, y: x**2 / 20 + y**2``.
        paths: ``{name: array of shape (T, 2)}``, the points visited, first to last.
        xlim, ylim: the plotted window, ``(low, high)``.
        ax: Axes to draw on (a new figure if None).

    Returns: the Axes. Chapter 8 uses it for optimizers.
    """
    if not callable(f):
        raise TypeError(f"f must be a function f(x, y); got {type(f).__name__}")
    if ax is None:
        _, ax = plt.subplots(figsize=(7, 4.5))
    gx, gy = np.meshgrid(np.linspace(*xlim, 300), np.linspace(*ylim, 300))
    zz = _to_numpy(f(gx, gy), "f(x, y)")
    if zz.shape != gx.shape:
        raise ValueError(f"f(x, y) must work element-wise: expected shape {gx.shape}; got {zz.shape}")
    ax.contour(gx, gy, zz, levels=20, colors="grey", linewidths=0.6, alpha=0.7)
    for i, (name, path) in enumerate(paths.items()):
        path = _to_numpy(path, f"paths[{name!r}]").astype(float)
        if path.ndim != 2 or path.shape[1] != 2:
            raise ValueError(f"paths[{name!r}] must have shape (T, 2); got {path.shape}")
        color = METHOD_COLORS.get(name, COLORS[i % len(COLORS)])
        ax.plot(path[:, 0], path[:, 1], "o-", ms=3, lw=1.3, color=color, label=name)
        ax.plot(*path[0], "s", ms=6, color="black")  # start
        ax.plot(*path[-1], "*", ms=12, color=color, markeredgecolor="black")  # end
    ax.set(xlim=xlim, ylim=ylim, xlabel="$x$", ylabel="$y$", title="Optimizer trajectories")
    if paths:
        ax.legend(fontsize=9)
    return ax


def _as_images(images, name: str) -> np.ndarray:
    """Images as (N, H, W): accepts (N, H, W), (N, 1, H, W) or flattened square (N, H*W)."""
    a = _to_numpy(images, name).astype(float)
    if a.ndim == 4 and a.shape[1] == 1:
        a = a[:, 0]
    elif a.ndim == 2:
        side = int(round(np.sqrt(a.shape[1])))
        if side * side != a.shape[1]:
            raise ValueError(f"{name}: flattened images must be square (N, H*W); got {a.shape}")
        a = a.reshape(len(a), side, side)
    if a.ndim != 3:
        raise ValueError(f"{name} must have shape (N, H, W), (N, 1, H, W) or (N, H*W); got {a.shape}")
    return a


def _grid(n: int, ncols: int, size: float = 1.3) -> tuple[Figure, np.ndarray]:
    if not isinstance(ncols, int) or ncols < 1:
        raise ValueError(f"ncols must be a positive int; got {ncols!r}")
    ncols = min(ncols, max(n, 1))
    nrows = int(np.ceil(n / ncols))
    fig, axes = plt.subplots(nrows, ncols, figsize=(size * ncols, size * nrows + 0.3), squeeze=False)
    for ax in axes.ravel():
        ax.axis("off")
    return fig, axes.ravel()


def image_grid(images, labels: Sequence | None = None, ncols: int = 8) -> Figure:
    """Show images in a grid, each titled with its label if given.

    Args:
        images: (N, H, W), (N, 1, H, W) or flattened square images (N, H*W), e.g. digits (N, 64).
        labels: N labels (numbers or strings) or None. ncols: images per row.

    Returns: the Figure.
    """
    imgs = _as_images(images, "images")
    if labels is not None and len(labels) != len(imgs):
        raise ValueError(f"expected {len(imgs)} labels, one per image; got {len(labels)}")
    fig, axes = _grid(len(imgs), ncols)
    for i, img in enumerate(imgs):
        axes[i].imshow(img, cmap="gray_r")
        if labels is not None:
            axes[i].set_title(str(labels[i]), fontsize=10)
    fig.tight_layout()
    return fig


def layer_histograms(acts: Sequence[np.ndarray], title: str = "") -> Figure:
    """One histogram per layer of the values in ``acts`` (activations or gradients).

    Args:
        acts: a list with one array per layer (any shape; all values are pooled).
        title: the figure title.

    Returns: the Figure. Chapter 7 uses it for activations under different initialisations.
    """
    if isinstance(acts, np.ndarray) or not isinstance(acts, Sequence) or len(acts) == 0:
        raise TypeError("acts must be a non-empty list with one array per layer")
    fig, axes = plt.subplots(1, len(acts), figsize=(2.2 * len(acts), 2.6), sharey=True, squeeze=False)
    for i, (ax, a) in enumerate(zip(axes[0], acts)):
        values = _to_numpy(a, f"acts[{i}]").astype(float).ravel()
        ax.hist(values, bins=30, color=COLORS[0])
        ax.set_title(f"layer {i + 1}", fontsize=10)
        ax.set_xlabel("value")
    axes[0, 0].set_ylabel("count")
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig


def feature_maps(maps, ncols: int = 8) -> Figure:
    """Show the channels of one feature map tensor side by side.

    Args:
        maps: shape (C, H, W), e.g. one image's output of a Conv2d layer.
        ncols: maps per row.

    Returns: the Figure. Chapter 10 uses it.
    """
    m = _to_numpy(maps, "maps").astype(float)
    if m.ndim != 3:
        raise ValueError(f"feature_maps expects shape (C, H, W); got {m.shape}")
    fig, axes = _grid(len(m), ncols)
    for i, fm in enumerate(m):
        axes[i].imshow(fm, cmap="viridis")
        axes[i].set_title(f"channel {i}", fontsize=9)
    fig.tight_layout()
    return fig


_FONT_AWESOME_CDN = re.compile(r'<link[^>]*href="https?://[^"]*font-awesome[^"]*"[^>]*>\s*', re.I)


def animate(fig: Figure, update: Callable[[int], object], frames, interval: int = 200, *,
            alt: str = ""):
    """Turn ``update(frame)`` calls on ``fig`` into an animation that plays in the browser.

    The animation is rendered with ``FuncAnimation.to_jshtml()``: plain HTML and JavaScript with
    the frames embedded, so it moves on the static website with no kernel. The figure is closed,
    so it is not shown a second time below the animation.

    Args:
        fig: the Figure to animate. update: draws frame ``i`` (its return value is ignored).
        frames: the number of frames or an iterable of frame values. interval: ms per frame.
        alt: what the animation shows, in words, for readers who cannot see it (the image's
            alt text); e.g. ``"SGD zig-zags down the bowl while Adam heads straight in"``.

    Returns: an ``IPython.display.HTML`` object (display it by ending a cell with it).
    """
    from IPython.display import HTML
    from matplotlib.animation import FuncAnimation

    if not isinstance(fig, Figure):
        raise TypeError(f"animate expects a matplotlib Figure; got {type(fig).__name__}")
    if not callable(update):
        raise TypeError(f"update must be a function of the frame; got {type(update).__name__}")
    if not isinstance(alt, str):
        raise TypeError(f"alt must be a string describing the animation; got {type(alt).__name__}")
    anim = FuncAnimation(fig, update, frames=frames, interval=interval, blit=False)
    try:
        html = anim.to_jshtml(default_mode="once")
    finally:
        plt.close(fig)
    # matplotlib links Font Awesome 4 from a CDN for its buttons' icons; the book's theme ships
    # Font Awesome 6, which knows the same icon names, so the page needs nothing from outside.
    html = _FONT_AWESOME_CDN.sub("", html)
    if alt.strip():
        html = html.replace('<img id="_anim_img', f'<img alt="{_html.escape(alt.strip())}" id="_anim_img', 1)
    return HTML(html)
