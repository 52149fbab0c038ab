"""The notebooks' sources read well on the website: fast static checks, no build, no kernel.

Each check looks at what a defect on the built site comes from (issue 11):

- display math ``$$ ... $$`` inside a paragraph renders as raw text with stray ``$``: it must
  stand in its own paragraph, a blank line before and after;
- a code line longer than 80 characters is cut off in the website's code box;
- a prose line that starts with "1." (or "- 0.5", "- $x$") continues a sentence, but Markdown
  starts a list there and the sentence breaks off ("... and the tanh's at" / "1. Next the ...");
- a figure without a caption and alt text in its cell's metadata (``mystnb.figure.caption``,
  ``mystnb.image.alt``), and a moving figure (``frame_slider``, ``animate``) without ``alt=``.

``tests/test_notebooks.py`` checks the executed notebooks (every PNG has its caption and alt
text); ``tests/test_browser.py`` checks the built pages. These run in a second.
"""
from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted(ROOT.glob("chapters/*.ipynb")) + sorted(ROOT.glob("exercises/*.ipynb"))
MAX_CODE_LINE = 80
SHOW = 8  # problems listed in a failure message


def _ids(path: Path) -> str:
    return f"{path.parent.name}/{path.stem}"


def _where(i: int, cell) -> str:
    first = next((l.strip() for l in cell.source.splitlines() if l.strip()), "")
    return f"cell {i} ({first[:40]})"


def _report(path: Path, what: str, problems: list[str]) -> str:
    more = f"\n... and {len(problems) - SHOW} more" if len(problems) > SHOW else ""
    return (f"{path.relative_to(ROOT)}: {len(problems)} {what}:\n"
            + "\n".join(problems[:SHOW]) + more)


# --- Markdown: fenced code blocks and inline code are not prose -------------------------------
FENCE = re.compile(r"^\s*(`{3,}|~{3,})")
INLINE_CODE = re.compile(r"(`+)(?:(?!\1).)+?\1")


def _prose_lines(source: str) -> list[str | None]:
    """The markdown's lines with inline code blanked out; ``None`` for a line of a code fence.

    Colon fences (``:::{note}``) hold Markdown, so they are kept as prose.
    """
    out: list[str | None] = []
    fence = None
    for line in source.split("\n"):
        m = FENCE.match(line)
        if fence:
            out.append(None)
            if m and m.group(1)[0] == fence[0] and len(m.group(1)) >= len(fence):
                fence = None
            continue
        if m:
            fence = m.group(1)
            out.append(None)
            continue
        out.append(INLINE_CODE.sub(lambda c: "`" + "x" * (len(c.group(0)) - 2) + "`", line))
    return out


def _blank(line: str | None) -> bool:
    return line is not None and not line.strip()


# --- display math ------------------------------------------------------------------------------
LABEL = re.compile(r"^\s*(\([\w:.-]+\))?\s*$")  # "$$ ... $$ (eq-label)" is MyST's equation label


def display_math_problems(source: str) -> list[str]:
    """Where ``$$`` display math does not stand in its own paragraph (empty if all is well)."""
    lines = _prose_lines(source)
    marks = []  # (line index, column) of every "$$" in prose
    for n, line in enumerate(lines):
        if line is None:
            continue
        for m in re.finditer(r"(?<!\\)\$\$", line):
            marks.append((n, m.start()))
    problems = []
    if len(marks) % 2:
        n, _ = marks[-1]
        problems.append(f"line {n + 1}: a '$$' without its closing '$$': {lines[n].strip()[:60]}")
        marks = marks[:-1]
    for (a, ca), (b, cb) in zip(marks[::2], marks[1::2]):
        before, after = lines[a][:ca], lines[b][cb + 2:]
        shown = lines[a].strip()[:60]
        if before.strip():
            problems.append(f"line {a + 1}: text before '$$' on its line: {shown}")
        elif a > 0 and not _blank(lines[a - 1]):
            problems.append(f"line {a + 1}: no blank line before '$$' (it continues a "
                            f"paragraph): {shown}")
        if not LABEL.match(after):
            problems.append(f"line {b + 1}: text after the closing '$$' on its line: "
                            f"{lines[b].strip()[:60]}")
        elif b + 1 < len(lines) and not _blank(lines[b + 1]):
            problems.append(f"line {b + 1}: no blank line after the closing '$$' (a paragraph "
                            f"follows at once): {(lines[b + 1] or '').strip()[:50]}")
    return problems


# --- a sentence broken into a list ---------------------------------------------------------------
LIST_ITEM = re.compile(r"^\s*(?:[-*+]|\d{1,9}[.)])(?:\s|$)")
# Only an ordered list starting at 1 may interrupt a paragraph (CommonMark); a bullet may too.
ORDERED_ONE = re.compile(r"^ {0,3}1[.)]\s+\S")
# A bullet whose text starts like the rest of a formula or a number: "- 0.5 ...", "- $b$ ...".
BULLET_MATH = re.compile(r"^ {0,3}[-*+]\s+[\d$\\(=+*/^]")


def broken_sentence_problems(source: str) -> list[str]:
    """Lines that start a list in the middle of a paragraph's sentence (empty if none).

    A paragraph line followed directly by ``1. ...`` becomes a list unless the paragraph
    introduces it (ends with ":"); a line ``- 0.5 ...`` or ``- $x$ ...`` after a paragraph line
    is a formula broken across lines, not a bullet.
    """
    lines = _prose_lines(source)
    problems = []
    in_list = in_math = False
    for n, line in enumerate(lines):
        if line is None:
            in_list = False
            continue
        if line.count("$$") % 2:
            in_math = not in_math
        if in_math or "$$" in line:
            continue
        if not line.strip():
            continue
        prev = lines[n - 1] if n else None
        starts_paragraph = prev is None or not prev.strip()
        if LIST_ITEM.match(line):
            if not starts_paragraph and not in_list:
                text = prev.rstrip()
                if ORDERED_ONE.match(line) and not text.endswith(":"):
                    problems.append(f"line {n + 1}: '{line.strip()[:40]}' after '...{text[-40:]}' "
                                    "starts a list in mid-sentence")
                elif BULLET_MATH.match(line):
                    problems.append(f"line {n + 1}: '{line.strip()[:40]}' after '...{text[-40:]}' "
                                    "turns the rest of a formula into a bullet")
            in_list = True
        elif starts_paragraph:
            in_list = bool(prev is not None and in_list and line.startswith((" ", "\t")))
    return problems


# --- figures -----------------------------------------------------------------------------------
# Top-level calls (not inside a def) that leave a static figure in the cell's output.
DRAWS = re.compile(r"^(?:\w+(?:\s*,\s*\w+)*\s*=\s*)?(?:plt\.(?:show|subplots|figure|plot|imshow)"
                   r"|dl\.plot\.(?:function_and_derivative|image_grid|layer_histograms"
                   r"|feature_maps|loss_curves|decision_boundary|contour_trajectories))\(",
                   re.M)
MOVING = re.compile(r"\b(frame_slider|animate)\(")
HIDDEN = {"remove-output", "remove-cell"}


def _call_text(source: str, start: int) -> str:
    """The text of the call whose "(" is at ``start`` (up to its matching ")")."""
    depth = 0
    for i in range(start, len(source)):
        depth += {"(": 1, ")": -1}.get(source[i], 0)
        if depth == 0:
            return source[start:i + 1]
    return source[start:]


def figure_problems(cell) -> list[str]:
    """What a code cell's figure lacks on the website: caption, alt text, ``alt=``."""
    if cell.cell_type != "code" or HIDDEN & set(cell.metadata.get("tags", [])):
        return []
    opts = cell.metadata.get("mystnb") or {}
    caption = ((opts.get("figure") or {}).get("caption") or "").strip()
    alt = ((opts.get("image") or {}).get("alt") or "").strip()
    problems = []
    moving = [m for m in MOVING.finditer(cell.source)
              if not cell.source[:m.start()].rstrip().endswith("def")]
    for m in moving:
        if not re.search(r"\balt\s*=", _call_text(cell.source, m.end() - 1)):
            problems.append(f"{m.group(1)}(...) without alt=\"...\" (what it shows, in words)")
    if opts.get("figure") or opts.get("image") or (DRAWS.search(cell.source) and not moving):
        if not caption:
            problems.append("a figure without a caption (metadata mystnb.figure.caption)")
        if not alt:
            problems.append("a figure without alt text (metadata mystnb.image.alt)")
    return problems


# --- the tests -----------------------------------------------------------------------------------
def _cells(path: Path):
    return list(enumerate(nbformat.read(str(path), as_version=4).cells))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=_ids)
def test_display_math_stands_in_its_own_paragraph(path):
    problems = [f"{_where(i, c)}, {p}" for i, c in _cells(path) if c.cell_type == "markdown"
                for p in display_math_problems(c.source)]
    assert not problems, _report(path, "display-math blocks render as raw text (put a blank "
                                       "line before and after each $$ ... $$)", problems)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=_ids)
def test_code_lines_fit_the_page(path):
    problems = [f"{_where(i, c)}, line {n}: {len(line)} characters: {line.strip()[:50]}"
                for i, c in _cells(path) if c.cell_type == "code"
                for n, line in enumerate(c.source.splitlines(), 1) if len(line) > MAX_CODE_LINE]
    assert not problems, _report(path, f"code lines longer than {MAX_CODE_LINE} characters "
                                       "(cut off in the website's code box)", problems)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=_ids)
def test_no_sentence_breaks_into_a_list(path):
    problems = [f"{_where(i, c)}, {p}" for i, c in _cells(path) if c.cell_type == "markdown"
                for p in broken_sentence_problems(c.source)]
    assert not problems, _report(path, "sentences cut off by a list (reflow the paragraph so "
                                       "no line starts with '1.' or '- <number>')", problems)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=_ids)
def test_every_figure_has_a_caption_and_alt_text(path):
    problems = [f"{_where(i, c)}: {p}" for i, c in _cells(path) for p in figure_problems(c)]
    assert not problems, _report(path, "figures a reader cannot follow", problems)


# --- the checks themselves catch the defects (and let good sources pass) --------------------------
def test_display_math_check_catches_math_inside_a_paragraph():
    inside = "The sigmoid:\n$$\\sigma(x) = \\frac{1}{1 + e^{-x}}$$\nHere $e$ is Euler's number."
    assert len(display_math_problems(inside)) == 2
    assert display_math_problems("Text $$x = 1$$ more text.")
    assert display_math_problems("Text\n\n$$\nx = 1\n$$\nmore") == [
        "line 5: no blank line after the closing '$$' (a paragraph follows at once): more"]
    assert display_math_problems("one $$ too many")
    good = ("The sigmoid:\n\n$$\n\\sigma(x) = \\frac{1}{1 + e^{-x}}\n$$\n\nHere.\n\n"
            "$$x = 1$$ (eq-one)\n\n- a list item:\n\n  $$y = 2$$\n")
    assert display_math_problems(good) == []
    assert display_math_problems("```\nprint('$$')\n```\nCosts `$$` in `code`.") == []


def test_list_check_catches_a_sentence_cut_by_a_list():
    cut = ("the sigmoid's peaks at 0.25 and the tanh's at\n"
           "1. Next the rectifiers, with a Leaky ReLU slope of 0.1.")
    assert len(broken_sentence_problems(cut)) == 1
    assert broken_sentence_problems("so the loss falls from 2.3\n- 0.5 per step") != []
    fine = ("You will write:\n1. the forward pass;\n2. the backward pass.\n\n"
            "After this chapter you can\n- explain it;\n  and more\n- code it.\n\n"
            "Text\n\n1. a list\n   continued\n\n$$\na\n- b\n$$\n\n```\nx\n1. y\n```\n")
    assert broken_sentence_problems(fine) == []


def test_figure_check_catches_a_missing_caption_alt_text_and_alt_argument():
    cell = nbformat.v4.new_code_cell("fig, ax = plt.subplots()\nax.plot(x, y)\nplt.show()")
    assert len(figure_problems(cell)) == 2
    cell.metadata["mystnb"] = {"figure": {"caption": "A line.", "name": "fig-x"},
                               "image": {"alt": "A rising line."}}
    assert figure_problems(cell) == []
    cell.metadata["mystnb"]["image"]["alt"] = " "
    assert figure_problems(cell) == ["a figure without alt text (metadata mystnb.image.alt)"]
    helper = nbformat.v4.new_code_cell("def draw(k):\n    fig, ax = plt.subplots()\n    return fig")
    assert figure_problems(helper) == []
    moving = nbformat.v4.new_code_cell("dl.widgets.frame_slider(draw, range(3),\n"
                                       "                        description='step')")
    assert figure_problems(moving) == [
        'frame_slider(...) without alt="..." (what it shows, in words)']
    moving.source = moving.source[:-1] + ", alt='a line (step)')"
    assert figure_problems(moving) == []
    hidden = nbformat.v4.new_code_cell("plt.show()", metadata={"tags": ["remove-output"]})
    assert figure_problems(hidden) == []
