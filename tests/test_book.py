"""The website: builds with warnings as errors, has every page, and loads nothing from outside.

Slow: it runs the README's build command (tools/build-book.sh -W --keep-going) into a temporary
folder. The notebook execution cache (_build/.jupyter_cache) is shared with `make book`, so only
notebooks that changed are executed again.
"""
import re
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml

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


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    out = tmp_path_factory.mktemp("book")
    proc = subprocess.run(["bash", str(ROOT / "tools" / "build-book.sh"), "-W", "--keep-going",
                           "--path-output", str(out)], cwd=ROOT, capture_output=True, text=True,
                          timeout=1800)
    log = proc.stdout + proc.stderr
    assert proc.returncode == 0, "the book build failed or warned:\n" + log[-6000:]
    return out / "_build" / "html"


@pytest.mark.slow
def test_every_page_is_built(site):
    missing = [f for f in toc_files() if not (site / f"{f}.html").exists()]
    assert not missing, f"pages missing from the site: {missing}"
    assert (site / "index.html").exists()


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
