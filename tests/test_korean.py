"""The Korean edition (한국어판, issue 15): its catalogs, its pages, and its site in a browser.

* Catalogs (fast): every message of every catalog translated, none fuzzy, nothing a translation
  must keep lost (tools/po_check.py); and the catalogs not stale: the English text extracted
  afresh (tools/i18n.py extract, Sphinx's gettext builder) has exactly the catalogs' messages.
* The built site (slow, the one newcomer build of the run): the Korean pass executed no notebook
  (every one came from the English pass's execution cache); every glossary term's Korean name
  is on the Korean page of its chapter; every page's language switch leads to the same page in
  the other edition; the Korean download buttons give Korean notebooks.
* In Chromium (slow): Hangul is drawn with a font that has Hangul (no tofu), and the switch
  works both ways by clicking. tests/test_browser.py opens every Korean page as it opens the
  English ones (console, math, widgets, images, no request leaving localhost).

The translation tests fail until the translators are done: they list what is missing.
"""
from __future__ import annotations

import json
import re
import subprocess
import urllib.parse
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml

from conftest import ARTIFACTS, load_tool
from test_book import toc_files

ROOT = Path(__file__).resolve().parents[1]
PAGES = toc_files()
CATALOGS = ROOT / "locales" / "ko" / "LC_MESSAGES"
i18n = load_tool("i18n")
po_check = load_tool("po_check")


def _listing(lines: list[str], show: int = 40) -> str:
    more = f"\n  ... and {len(lines) - show} more" if len(lines) > show else ""
    return "\n".join(f"  {line}" for line in lines[:show]) + more


# --- the catalogs ------------------------------------------------------------------------------
def test_every_page_has_a_catalog():
    missing = [p for p in PAGES if not (CATALOGS / f"{p}.po").is_file()]
    assert not missing, f"pages without a catalog in {CATALOGS}: {missing} (tools/i18n.py update)"


def test_every_message_is_translated_and_keeps_its_math_code_and_links():
    problems = [line for po in sorted(CATALOGS.rglob("*.po")) for line in po_check.problems(po)]
    if problems:
        ARTIFACTS.mkdir(exist_ok=True)
        (ARTIFACTS / "korean-catalog-problems.txt").write_text("\n".join(problems) + "\n",
                                                                encoding="utf-8")
    by_catalog: dict[str, int] = {}
    for line in problems:
        name = line.split(":", 1)[0]
        by_catalog[name] = by_catalog.get(name, 0) + 1
    summary = "\n".join(f"  {n:5d}  {name}" for name, n in sorted(by_catalog.items()))
    assert not problems, (
        f"{len(problems)} problems in the Korean catalogs (untranslated, fuzzy, math/code/links "
        f"changed, no Korean); per catalog:\n{summary}\nthe first ones:\n{_listing(problems)}\n"
        "all of them: test-artifacts/korean-catalog-problems.txt (fix: locales/README.md)")


@pytest.fixture(scope="module")
def fresh_messages(tmp_path_factory) -> Path:
    """The English text's messages extracted now (.pot files), as tools/i18n.py update does."""
    return i18n.extract(tmp_path_factory.mktemp("gettext") / "pot")


def test_the_catalogs_are_not_stale(fresh_messages):
    differences = i18n.compare(fresh_messages)
    assert not differences, (
        f"the catalogs do not match the English text ({len(differences)} differences): run "
        "`python tools/i18n.py update` (new messages come in untranslated, changed ones fuzzy) "
        f"and translate them:\n{_listing(differences)}")


def test_the_staleness_check_sees_an_added_and_a_changed_message(fresh_messages, tmp_path):
    """compare() flags a catalog that lacks a message of the English text or keeps an old one."""
    from babel.messages.pofile import read_po, write_po

    pot = fresh_messages / "chapters" / "02_perceptrons.pot"
    with pot.open("rb") as fh:
        catalog = read_po(fh)
    first = next(m for m in catalog if m.id)
    catalog.delete(first.id)
    catalog.add("A sentence the English text no longer has.", "영어 본문에 더는 없는 문장.")
    fake = tmp_path / "ko" / "LC_MESSAGES"
    for other in fresh_messages.rglob("*.pot"):
        dest = fake / other.relative_to(fresh_messages).with_suffix(".po")
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.write_bytes(other.read_bytes())
    with (fake / "chapters" / "02_perceptrons.po").open("wb") as fh:
        write_po(fh, catalog)
    found = i18n.compare(fresh_messages, fake)
    assert len(found) == 2, found
    assert "missing from the catalog" in found[0] and first.id[:30] in found[0]
    assert "no longer in the English text" in found[1]


def test_the_korean_fast_path_sees_every_source_change(tmp_path, monkeypatch):
    """tools/i18n.py build skips the Korean Sphinx run only when nothing it reads changed: a
    catalog, a notebook or the options; compiled catalogs and build outputs do not count."""
    import os

    for name in ("locales/ko/LC_MESSAGES/intro.po", "chapters/01.ipynb", "_build/html/x.html"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("a", encoding="utf-8")
    monkeypatch.setattr(i18n, "ROOT", tmp_path)
    before = i18n._inputs_digest(["-W"])
    assert i18n._inputs_digest(["-W"]) == before
    (tmp_path / "locales/ko/LC_MESSAGES/intro.mo").write_bytes(b"compiled")
    (tmp_path / "_build/html/x.html").write_text("rebuilt", encoding="utf-8")
    assert i18n._inputs_digest(["-W"]) == before, "outputs changed the digest"
    assert i18n._inputs_digest([]) != before, "the options are not in the digest"
    po = tmp_path / "locales/ko/LC_MESSAGES/intro.po"
    po.write_text("b", encoding="utf-8")   # same size: the modification time tells
    os.utime(po, ns=(po.stat().st_atime_ns, po.stat().st_mtime_ns + 10**9))
    assert i18n._inputs_digest(["-W"]) != before, "a changed catalog did not change the digest"


# --- the built site ------------------------------------------------------------------------------

class _Text(HTMLParser):
    """The text of a page's article (no scripts or styles), whitespace collapsed."""

    def __init__(self):
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._skip += 1

    def handle_endtag(self, tag):
        if tag in ("script", "style") and self._skip:
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)

    @classmethod
    def of(cls, path: Path) -> str:
        html = path.read_text(encoding="utf-8")
        start = html.find("<article")
        parser = cls()
        parser.feed(html[start if start >= 0 else 0:])
        return re.sub(r"\s+", " ", " ".join(parser.parts))


@pytest.mark.slow
@pytest.mark.xdist_group("site")
def test_the_korean_pass_executes_no_notebook(site, request):
    """Each notebook is executed once, for both editions: the Korean pass takes them all from
    the execution cache the English pass filled (myst-nb: "Using cached notebook")."""
    import os

    if os.environ.get("DLCOURSE_SITE"):
        pytest.skip("DLCOURSE_SITE: a site built before, no build log to read")
    build = request.getfixturevalue("newcomer_build")
    marker = "[i18n] building the Korean site"
    assert marker in build["log"], "make book did not build the Korean site (tools/i18n.py build)"
    # The build's log is its stdout, then its stderr (not interleaved): Sphinx reports on
    # stdout, where the Korean pass starts with its translations being loaded.
    out = re.sub(r"\x1b\[[0-9;]*m", "", build["stdout"])
    ko_start = "loading translations [ko]"
    assert ko_start in out, "no Korean Sphinx pass in the build's output"
    korean = out.split(ko_start, 1)[1]
    notebooks = [p for p in PAGES if (ROOT / f"{p}.ipynb").is_file()]
    cached = set(re.findall(r"/([\w/]+)\.ipynb: Using cached notebook", korean))
    executed = re.findall(r".*(?:Executing notebook|Executed notebook).*", korean)
    assert not executed, "the Korean pass executed notebooks again:\n" + "\n".join(executed)
    missing = [p for p in notebooks if not any(c.endswith(p) for c in cached)]
    assert not missing, f"the Korean pass did not take these from the cache: {missing}"


@pytest.mark.slow
@pytest.mark.xdist_group("site")
def test_every_page_has_a_korean_page_in_korean(site):
    missing = [p for p in PAGES if not (site / "ko" / f"{p}.html").is_file()]
    assert not missing, f"no Korean page for {missing} under {site / 'ko'}"
    html = (site / "ko" / "intro.html").read_text(encoding="utf-8")
    assert '<html lang="ko"' in html, "the Korean pages do not say lang=\"ko\""
    assert "검색" in html, "the theme's own words (search: 검색) are not in Korean"


@pytest.mark.slow
@pytest.mark.xdist_group("site")
def test_the_check_outputs_on_korean_exercise_pages_are_in_korean(site):
    """The check() and score_table() outputs stored by the one (English) execution are shown
    in Korean on the Korean exercise pages (book_ext/figure_i18n.py)."""
    english = []
    for page in sorted((site / "ko" / "exercises").glob("*.html")):
        html = page.read_text(encoding="utf-8")
        for words in ("not attempted yet", "not checked yet", " points<", "exercises</b>"):
            if words in html:
                english.append(f"{page.name}: {words!r}")
        assert "아직 풀지 않음" in html, f"{page.name}: no Korean check output"
    assert not english, _listing(english)


@pytest.mark.slow
@pytest.mark.xdist_group("site")
def test_translated_display_math_is_on_the_korean_page(site):
    """A display equation whose \\text{...} words were translated reaches its Korean page as
    math. (Sphinx re-parses a translated block as reST, "::" and an indented block, which MyST
    reads as the paragraph "::": the equation vanished; book_ext/figure_i18n.py fixes that.)"""
    from babel.messages.pofile import read_po

    lost, checked = [], 0
    for po in sorted(CATALOGS.rglob("*.po")):
        page = po.relative_to(CATALOGS).with_suffix("").as_posix()
        html_path = site / "ko" / f"{page}.html"
        if not html_path.is_file():
            continue
        html = html_path.read_text(encoding="utf-8")
        if "<p>::</p>" in html:
            lost.append(f"{page}: a paragraph '::' where an equation should be")
        with po.open("rb") as fh:
            for m in read_po(fh):
                if m.id and m.string and m.string != m.id and "\\text{" in m.string \
                        and m.id.startswith("\n") and "$" not in m.id:
                    checked += 1
                    words = re.findall(r"\\text\{([^{}]*[\uac00-\ud7a3][^{}]*)\}", m.string)
                    missing = [w for w in words if w not in html]
                    if missing:
                        lost.append(f"{page}: equation with {missing} not on the page")
    assert checked, "no translated display math found: the test checks nothing"
    assert not lost, _listing(lost)


@pytest.mark.slow
@pytest.mark.xdist_group("site")
def test_every_glossary_term_is_on_the_korean_page_of_its_chapter(site):
    missing = []
    for fragment in sorted((ROOT / "glossary").glob("ch*.yml")):
        chapter = fragment.stem.removeprefix("ch")
        pages = sorted((site / "ko" / "chapters").glob(f"{chapter}_*.html"))
        assert pages, f"no Korean page ko/chapters/{chapter}_*.html for {fragment.name}"
        text = _Text.of(pages[0])
        for entry in yaml.safe_load(fragment.read_text(encoding="utf-8")) or []:
            # "특징 (특성)", "순환 신경망 (RNN)": the name, then another name or the acronym in
            # brackets; the page must use the name.
            korean = re.sub(r"\s*\([^()]*\)$", "", re.sub(r"\s+", " ", str(entry["korean"])))
            if korean.strip() not in text:
                missing.append(f"{pages[0].relative_to(site)}: {korean} ({entry['term']})")
    assert not missing, (f"{len(missing)} glossary terms' Korean names are not on the Korean "
                         "page of their chapter (glossary/chNN.yml `korean:`; translate the "
                         f"chapter's messages with these names):\n{_listing(missing, 60)}")


class _Switch(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links: list[dict] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a" and "dlcourse-language" in (attrs.get("class") or ""):
            self.links.append(attrs)


@pytest.mark.slow
@pytest.mark.xdist_group("site")
def test_every_page_links_to_itself_in_the_other_language(site):
    wrong = []
    for page in PAGES + ["search", "genindex"]:
        for here, there, lang in ((page, f"ko/{page}", "ko"), (f"ko/{page}", page, "en")):
            parser = _Switch()
            parser.feed((site / f"{here}.html").read_text(encoding="utf-8"))
            hrefs = [a["href"] for a in parser.links if a.get("hreflang") == lang]
            if len(hrefs) != 1:
                wrong.append(f"{here}: {len(hrefs)} language switches to {lang}")
                continue
            assert "://" not in hrefs[0] and not hrefs[0].startswith("/"), hrefs[0]
            target = (site / here).parent / hrefs[0]
            if target.resolve() != (site / f"{there}.html").resolve():
                wrong.append(f"{here}: the switch leads to {hrefs[0]}, not to {there}.html")
    assert not wrong, "language switches that do not lead to the same page:\n" + _listing(wrong)


@pytest.mark.slow
@pytest.mark.xdist_group("site")
def test_the_korean_download_button_gives_the_korean_notebook(site):
    page = "chapters/02_perceptrons"
    html = (site / "ko" / f"{page}.html").read_text(encoding="utf-8")
    assert f"_sources/{page}.ipynb" in html, "no download button for the notebook"
    korean = json.loads((site / "ko" / "_sources" / f"{page}.ipynb").read_text(encoding="utf-8"))
    english = json.loads((ROOT / f"{page}.ipynb").read_text(encoding="utf-8"))
    assert (korean["metadata"].get("dlcourse") or {}).get("language") == "ko", \
        "the Korean page's download is not the Korean notebook (metadata.dlcourse.language)"
    def lesson_code(nb):  # the Colab set-up cell gains one language line (tools/ko_notebooks.py)
        return [c["source"] for c in nb["cells"] if c["cell_type"] == "code"
                and not (c["metadata"].get("dlcourse") or {}).get("colab_setup")]

    assert lesson_code(korean) == lesson_code(english)
    english_page = (site / "_sources" / f"{page}.ipynb").read_text(encoding="utf-8")
    assert json.loads(english_page)["metadata"].get("dlcourse", {}).get("language") != "ko"


# --- the landing pages offer both editions; the launch buttons open Korean notebooks ----------
def test_the_landing_page_sources_link_to_the_other_edition():
    """intro.md links to ko/intro.html (relative), and its Korean translation back to
    ../intro.html; po_check accepts that one changed tag and no other."""
    english = [m for m in i18n._messages(CATALOGS / "intro.po") if 'href="ko/intro.html"' in m]
    assert len(english) == 1, f"intro.md has {len(english)} links to ko/intro.html (expected 1)"
    korean = i18n._translations(CATALOGS / "intro.po").get(english[0], "")
    assert 'href="../intro.html"' in korean and 'href="ko/intro.html"' not in korean, \
        f"the Korean landing page should link back to ../intro.html; its text: {korean!r}"
    assert po_check.problems(CATALOGS / "intro.po") == []


def test_po_check_allows_the_edition_link_only_where_the_english_has_its_twin(tmp_path):
    po = tmp_path / "intro.po"
    po.write_text('msgid ""\nmsgstr "Content-Type: text/plain; charset=UTF-8\\n"\n\n'
                  'msgid "See <a href=\\"ko/intro.html\\" hreflang=\\"ko\\" lang=\\"ko\\">'
                  'the Korean</a>."\n'
                  'msgstr "<a href=\\"../intro.html\\" hreflang=\\"en\\" lang=\\"en\\">'
                  '영어판</a>을 보세요."\n\n'
                  'msgid "See <a href=\\"other.html\\">that page</a>."\n'
                  'msgstr "<a href=\\"../intro.html\\" hreflang=\\"en\\" lang=\\"en\\">'
                  '그 쪽</a>을 보세요."\n', encoding="utf-8")
    found = po_check.problems(po)
    assert len(found) == 1 and "that page" in found[0] and "parts changed" in found[0], found


def _links(html: str) -> list[str]:
    """The hrefs of the links in a page's article (not its header, so not the language switch)."""
    article = html.split('<article class="bd-article"', 1)[-1].split("</article>", 1)[0]
    return re.findall(r'<a [^>]*href="([^"]+)"', article)


@pytest.mark.slow
@pytest.mark.xdist_group("site")
def test_each_landing_page_links_to_the_other_edition(site):
    for here, there in (("intro", "ko/intro"), ("ko/intro", "intro")):
        hrefs = _links((site / f"{here}.html").read_text(encoding="utf-8"))
        targets = [(site / here).parent / h for h in hrefs if "://" not in h]
        assert any(t.resolve() == (site / f"{there}.html").resolve() for t in targets), \
            f"{here}.html: no link in the page's text to {there}.html; its links: {hrefs}"


def _launch_urls(html: str) -> dict[str, str]:
    urls = re.findall(r'href="(https://(?:mybinder\.org|colab\.research\.google\.com)/[^"]+)"',
                      html)
    return {("binder" if "mybinder" in u else "colab"): u for u in urls}


@pytest.mark.slow
@pytest.mark.xdist_group("site")
def test_the_korean_launch_buttons_open_the_committed_korean_notebooks(site):
    repo = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))["repository"]
    branch = repo.get("branch", "main")
    wrong = []
    pages = [p for p in PAGES if p.split("/")[0] in ("chapters", "exercises")]
    assert pages, "no chapter or exercise page in the table of contents"
    for page in pages:
        for edition, prefix in (("", ""), ("ko/", "ko/")):
            urls = _launch_urls((site / f"{edition}{page}.html").read_text(encoding="utf-8"))
            path = f"{prefix}{page}.ipynb"
            want = {"binder": f"/{branch}?urlpath=lab/tree/{path}",
                    "colab": f"/blob/{branch}/{path}"}
            for kind, tail in want.items():
                if not urls.get(kind, "").endswith(tail):
                    wrong.append(f"{edition}{page}: {kind} opens {urls.get(kind)}, not ...{tail}")
            if not (ROOT / path).is_file():
                wrong.append(f"{edition}{page}: {path} is not in the repository")
    assert not wrong, "launch buttons that do not open the page's notebook:\n" + _listing(wrong)


# --- in the browser ----------------------------------------------------------------------------
def _korean_font_families() -> set[str]:
    """The font families of this system that have Hangul (fontconfig), lower case."""
    try:
        out = subprocess.run(["fc-list", ":lang=ko", "family"], capture_output=True, text=True,
                             check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return set()
    return {name.strip().lower() for line in out.splitlines() for name in line.split(",")
            if name.strip()}


# What the page's CSS names for the text, and which fonts Chromium really draws a Hangul-only
# span with (DevTools: CSS.getPlatformFontsForNode). A glyph missing from every font would be
# drawn with a fallback font that has no Hangul: tofu.
HANGUL_SPAN = """
const art = document.querySelector('article.bd-article') || document.body;
const hangul = (art.textContent.match(/[\\uac00-\\ud7a3]+/g) || []).join(' ').slice(0, 300);
const span = document.createElement('span');
span.id = 'dlcourse-hangul-probe';
span.textContent = hangul || '한국어';
(art.querySelector('p') || art).appendChild(span);
return [getComputedStyle(span).fontFamily, span.textContent.length];
"""


# Korean families on Windows, macOS, Android and Linux (assets/css/korean.css names them).
KOREAN_FAMILIES = {"apple sd gothic neo", "malgun gothic", "noto sans cjk kr", "noto sans kr",
                   "source han sans kr", "nanumgothic", "nanum gothic"}


def _fonts_drawing(drv, selector: str) -> list[dict]:
    drv.execute_cdp_cmd("DOM.enable", {})
    drv.execute_cdp_cmd("CSS.enable", {})
    root = drv.execute_cdp_cmd("DOM.getDocument", {"depth": 0})["root"]["nodeId"]
    node = drv.execute_cdp_cmd("DOM.querySelector", {"nodeId": root, "selector": selector})
    return drv.execute_cdp_cmd("CSS.getPlatformFontsForNode", {"nodeId": node["nodeId"]})["fonts"]


@pytest.mark.slow
@pytest.mark.xdist_group("site")
@pytest.mark.parametrize("page", ["ko/intro", "ko/chapters/02_perceptrons",
                                  "chapters/07_vanishing_gradients"])
def test_hangul_is_drawn_with_a_korean_font(driver, base_url, page):
    korean_fonts = _korean_font_families()
    assert korean_fonts, ("no Korean font on this system (fc-list :lang=ko is empty): run "
                          "tools/browser.sh (apt-get install fonts-noto-cjk)")
    driver.get(urllib.parse.urljoin(base_url, f"{page}.html"))
    family, n = driver.execute_script(HANGUL_SPAN)
    named = {f.strip().strip('"').lower() for f in family.split(",")}
    assert named & KOREAN_FAMILIES, (f"{page}: the CSS names no Korean font ({family}); "
                                     "assets/css/korean.css should")
    used = _fonts_drawing(driver, "#dlcourse-hangul-probe")
    assert used, f"{page}: Chromium reports no font for the Hangul text"
    without = [f["familyName"] for f in used if f["familyName"].lower() not in korean_fonts]
    assert not without, (f"{page}: Hangul drawn with fonts that have no Hangul (tofu): "
                         f"{without}; CSS font-family: {family}")
    assert not any(f.get("isCustomFont") for f in used), \
        f"{page}: a web font draws the Hangul ({used}); the site should use the system's"


@pytest.mark.slow
@pytest.mark.xdist_group("site")
def test_the_language_switch_works_both_ways(driver, base_url):
    from test_browser import _wait

    for page in ("intro", "chapters/06_backpropagation", "exercises/10_cnn",
                 "appendix/glossary"):
        driver.get(urllib.parse.urljoin(base_url, f"{page}.html"))
        for lang, expected in (("ko", f"ko/{page}.html"), ("en", f"{page}.html")):
            link = driver.find_element("css selector", f'a.dlcourse-language[hreflang="{lang}"]')
            assert link.is_displayed(), f"{page}: the switch to {lang} is not visible"
            driver.execute_script("arguments[0].click();", link)
            _wait(driver, f"location.pathname.endsWith('/{expected}') && "
                          "document.readyState === 'complete'", timeout=20,
                  what=f"the switch to {lang} on {page} to open {expected}")
            got = driver.execute_script("return document.documentElement.lang;")
            assert got == lang, f"{expected}: <html lang={got!r}>, expected {lang!r}"


@pytest.mark.slow
@pytest.mark.xdist_group("site")
def test_the_korean_search_finds_a_korean_term(driver, base_url):
    """Sphinx has no Korean word splitter; its partial matching still finds 기울기 소실
    (vanishing gradient) on the Korean chapter 7, in the Korean search index."""
    from test_browser import _wait

    driver.get(urllib.parse.urljoin(base_url, "ko/search.html?q="
                                    + urllib.parse.quote("기울기 소실")))
    _wait(driver, "document.querySelectorAll('#search-results li').length > 0", timeout=30,
          what="Korean search results for 기울기 소실")
    hits = driver.execute_script(
        "return Array.from(document.querySelectorAll('#search-results li a')).map(a => a.href);")
    assert any("/ko/chapters/07_vanishing_gradients" in h for h in hits), \
        f"no hit on the Korean chapter 7: {hits[:10]}"


from test_browser import base_url, driver  # noqa: E402,F401  (the same Chromium fixtures)
