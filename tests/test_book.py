"""The website: builds with warnings as errors, has every page, and loads nothing from outside.

Slow: the ``site`` fixture (``conftest.py``) runs the README's build command, ``make book``, with
warnings as errors in a fresh clone of the repository, once per test session; these tests and
``test_browser.py`` read that site. They share one xdist group so that one worker builds it.
"""
import json
import os
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import nbformat
import pytest
import yaml

pytestmark = pytest.mark.xdist_group("site")

ROOT = Path(__file__).resolve().parent.parent
EXTERNAL = re.compile(r"^(https?:)?//", re.I)
CSS_URL = re.compile(r"""url\(\s*['"]?((?:https?:)?//[^)'"]+)""", re.I)


def toc_files() -> list[str]:
    """Every document named in _toc.yml (root, chapters, exercises, appendix)."""
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    files = [toc["root"]]

    def walk(items):
        for item in items or []:
            if "file" in item:
                files.append(item["file"])
            walk(item.get("sections"))
            walk(item.get("chapters"))

    walk(toc.get("parts"))
    walk(toc.get("chapters"))
    return files


class ResourceCollector(HTMLParser):
    """Collects the URLs a page *loads* (scripts, stylesheets, icons, images, media, frames)."""

    LOADS = {"script": "src", "img": "src", "source": "src", "iframe": "src", "video": "src",
             "audio": "src", "embed": "src", "link": "href"}

    def __init__(self):
        super().__init__()
        self.urls: list[tuple[str, str]] = []
        self.scripts: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "link" and (attrs.get("rel") or "") in ("canonical", "prev", "next", "search", "index"):
            return  # navigation metadata, not a resource the browser fetches
        key = self.LOADS.get(tag)
        if key and attrs.get(key):
            self.urls.append((tag, attrs[key]))
            if tag == "script":
                self.scripts.append(attrs[key])
        if tag == "img" and attrs.get("srcset"):
            self.urls.append((tag, attrs["srcset"]))


@pytest.mark.slow
def test_every_page_is_built(site):
    missing = [f for f in toc_files() if not (site / f"{f}.html").exists()]
    assert not missing, f"pages missing from the site: {missing}"
    assert (site / "index.html").exists()


@pytest.mark.slow
def test_the_newcomer_build_uses_its_clones_code_and_installs_nothing(request):
    """The newcomer build shares this run's environment (conftest.py): it must not reinstall
    into it (an editable install pointing into a temporary clone would break the rest of the
    run), and what it runs must import the clone's dlcourse and book_ext, not this checkout's."""
    if os.environ.get("DLCOURSE_SITE") or os.environ.get("DLCOURSE_NEWCOMER_OWN_VENV"):
        pytest.skip("no shared environment in this run")
    build = request.getfixturevalue("newcomer_build")
    assert build["returncode"] == 0
    assert "[venv] installing" not in build["log"]
    clone = Path(build["clone"])
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env["PYTHONPATH"] = build["pythonpath"]
    found = subprocess.run([sys.executable, "-c", "import dlcourse.grading, dlcourse_book; "
                            "print(dlcourse.grading.__file__); print(dlcourse_book.__file__)"],
                           cwd=clone / "chapters", env=env, capture_output=True, text=True,
                           check=True).stdout.split()
    assert all(Path(f).resolve().is_relative_to(clone.resolve()) for f in found), found


@pytest.mark.slow
def test_search_index_exists(site):
    index = site / "searchindex.js"
    assert index.exists() and index.stat().st_size > 1000
    assert (site / "search.html").exists()


@pytest.mark.slow
def test_math_is_typeset_with_local_mathjax(site):
    page = (site / "chapters" / "01_ai_ml_dl.html").read_text(encoding="utf-8")
    parser = ResourceCollector()
    parser.feed(page)
    mathjax = [s for s in parser.scripts if "mathjax" in s.lower()]
    assert mathjax, "no MathJax script on a page with math"
    assert not any(EXTERNAL.match(s) for s in mathjax), f"MathJax loaded from outside: {mathjax}"
    for src in mathjax:
        assert (site / "chapters" / src.split("?")[0]).resolve().exists(), f"missing {src}"


@pytest.mark.slow
def test_widget_javascript_is_served_locally(site):
    pages = [p for p in site.rglob("*.html")
             if "application/vnd.jupyter.widget-state+json" in p.read_text(encoding="utf-8")]
    assert pages, "no page embeds widget state (chapter 01 has a frame slider)"
    for page in pages:
        parser = ResourceCollector()
        parser.feed(page.read_text(encoding="utf-8"))
        widget_js = [s for s in parser.scripts if "embed-amd" in s or "require" in s]
        assert len(widget_js) == 2, f"{page.name}: expected require.js and embed-amd.js once; got {widget_js}"
        for src in widget_js:
            assert not EXTERNAL.match(src)
            assert (page.parent / src.split("?")[0]).resolve().exists(), f"missing {src}"


@pytest.mark.slow
def test_no_external_resources(site):
    offenders = []
    for page in site.rglob("*.html"):
        parser = ResourceCollector()
        parser.feed(page.read_text(encoding="utf-8"))
        offenders += [f"{page.relative_to(site)}: <{tag}> {url}" for tag, url in parser.urls
                      if EXTERNAL.match(url.strip())]
    for css in site.rglob("*.css"):
        offenders += [f"{css.relative_to(site)}: url({u})" for u in CSS_URL.findall(css.read_text(errors="ignore"))]
    assert not offenders, "the site loads resources from outside:\n" + "\n".join(offenders[:20])


WIDGET_STATE = re.compile(r'<script type="application/vnd.jupyter.widget-state\+json">(.*?)</script>', re.S)
WIDGET_VIEW = re.compile(r'<script type="application/vnd.jupyter.widget-view\+json">(.*?)</script>', re.S)
CONTROLS = {"IntSliderModel", "FloatSliderModel", "SelectionSliderModel", "PlayModel",
            "DropdownModel", "ToggleButtonsModel", "CheckboxModel", "FloatLogSliderModel",
            "IntRangeSliderModel", "FloatRangeSliderModel", "TextModel", "ButtonModel"}


@pytest.mark.slow
def test_no_dead_controls_on_the_static_site(site):
    """Every control a page shows is linked in JavaScript (jslink), so it works with no kernel.

    A control wired to a Python callback (``interact``, ``observe``) would move on the website
    but change nothing: the page must not show it (tag its cell ``remove-output``).
    """
    dead = []
    for page in sorted(site.rglob("*.html")):
        text = page.read_text(encoding="utf-8")
        states = WIDGET_STATE.findall(text)
        if not states:
            continue
        models = json.loads(states[0])["state"]
        linked = set()
        for m in models.values():
            if m["model_name"] in ("LinkModel", "DirectionalLinkModel"):
                for end in ("source", "target"):
                    linked.add(m["state"][end][0].removeprefix("IPY_MODEL_"))

        def shown(model_id):
            """The ids of the models a view displays, children included."""
            state = models.get(model_id, {}).get("state", {})
            kids = [c.removeprefix("IPY_MODEL_") for c in state.get("children", [])]
            return {model_id}.union(*(shown(k) for k in kids)) if kids else {model_id}

        views = [json.loads(v)["model_id"] for v in WIDGET_VIEW.findall(text)]
        for model_id in set().union(*(shown(v) for v in views)) if views else ():
            if models.get(model_id, {}).get("model_name") in CONTROLS and model_id not in linked:
                dead.append(f"{page.relative_to(site)}: {models[model_id]['model_name']}")
    assert not dead, "controls that would not work on the static site:\n" + "\n".join(dead)


def _h1(path: Path) -> str:
    """The first level-1 heading of a notebook's markdown."""
    for cell in nbformat.read(str(path), as_version=4).cells:
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                if line.startswith("# "):
                    return line[2:].strip()
    raise AssertionError(f"{path.name} has no '# Title' heading")


def test_toc_numbering_chapter_titles_and_exercise_titles_agree():
    pages = toc_files()
    chapters = [p for p in pages if p.startswith("chapters/")]
    assert [Path(p).name[:2] for p in chapters] == [f"{i:02d}" for i in range(1, len(chapters) + 1)], (
        "the table of contents must list chapters 01, 02, ... in order, so the book's numbers match the files'")
    for chapter in chapters:
        exercise = "exercises/" + Path(chapter).name
        assert pages.index(exercise) == pages.index(chapter) + 1, f"{exercise} must follow {chapter}"
        title = _h1(ROOT / f"{chapter}.ipynb")
        assert _h1(ROOT / f"{exercise}.ipynb") == f"Exercises: {title}", (
            f"{exercise}: its title must be 'Exercises: {title}'")


@pytest.mark.slow
def test_every_notebook_page_has_launch_repository_and_download_buttons(site):
    """Binder and Colab open this very notebook from the repository named in _config.yml."""
    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    url, branch = config["repository"]["url"].rstrip("/"), config["repository"]["branch"]
    slug = url.removeprefix("https://github.com/")
    for page in toc_files():
        if not page.startswith(("chapters/", "exercises/")):
            continue
        html = (site / f"{page}.html").read_text(encoding="utf-8")
        expected = {
            "Binder": f"https://mybinder.org/v2/gh/{slug}/{branch}?urlpath=lab/tree/{page}.ipynb",
            "Colab": f"https://colab.research.google.com/github/{slug}/blob/{branch}/{page}.ipynb",
            "repository": f'href="{url}"',
            "download": f"_sources/{page}.ipynb",
        }
        missing = [name for name, link in expected.items() if link not in html]
        assert not missing, f"{page}.html lacks its {missing} button(s)"
