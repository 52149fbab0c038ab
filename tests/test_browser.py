"""The website as a reader meets it: every page opened in headless Chromium, served on localhost.

For every page of the table of contents (and the search page): it loads with no console error,
its math is typeset, every image has loaded and has alt text, no request leaves localhost, the
previous/next links and the sidebar lead where the table of contents says, and every moving
figure meant for the static site moves (an animation's frame changes after a click on play; a
widget slider's after a click on play and after a slider step). The search page finds
"vanishing gradient". A screenshot of each page goes to ``test-artifacts/screenshots/``.
The Korean pages (``ko/``) are opened too; tests/test_korean.py checks their font and the
language switch.

Chromium and its driver are Debian's ``chromium`` and ``chromium-driver``, installed by
``tools/browser.sh`` (which ``tools/test.sh`` runs); Selenium (PyPI) drives them.
Slow: deselect with ``-m "not slow"``.
"""
from __future__ import annotations

import contextlib
import functools
import http.server
import itertools
import json
import os
import shutil
import socketserver
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from test_book import toc_files

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("site")]

ROOT = Path(__file__).resolve().parent.parent
SHOTS = ROOT / "test-artifacts" / "screenshots"
PAGES = toc_files()
LOCAL_SCHEMES = ("data:", "blob:", "about:", "chrome:", "chrome-extension:", "devtools:")


def _find(*names: str) -> str | None:
    return next((p for p in (shutil.which(n) for n in names) if p), None)


# --- serving the site ------------------------------------------------------------------------
class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):  # keep the test output clean
        pass


class _Server(socketserver.ThreadingTCPServer):
    allow_reuse_address = True
    # Closing the server does not wait for requests still being answered: a page Chromium left
    # while a large file was on its way leaves a thread blocked on a full socket until Chromium
    # quits, which is after this server closes (the fixtures end in reverse order). Waiting for
    # it held each browser module's end up for 80 to 135 s in make test.
    daemon_threads = True
    block_on_close = False

    def handle_error(self, request, client_address):
        import sys

        if isinstance(sys.exc_info()[1], (BrokenPipeError, ConnectionResetError)):
            return   # the browser (or the test's reader) went away mid-answer: nothing to say
        super().handle_error(request, client_address)


@contextlib.contextmanager
def serve(directory: Path):
    """Serve ``directory`` on localhost for the time of a ``with`` block; yields its URL."""
    handler = functools.partial(_Quiet, directory=str(directory))
    server = _Server(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def base_url(site):
    with serve(site) as url:
        yield url


def test_the_server_closes_while_a_reader_has_stopped_reading(tmp_path):
    """The defect: closing the server waited for a request whose reader had stopped reading."""
    import socket

    (tmp_path / "big.bin").write_bytes(bytes(64 * 1024 * 1024))
    reader = None
    context = serve(tmp_path)
    url = context.__enter__()
    try:
        reader = socket.create_connection(("127.0.0.1", urllib.parse.urlsplit(url).port))
        reader.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        reader.sendall(b"GET /big.bin HTTP/1.0\r\n\r\n")
        assert reader.recv(64).startswith(b"HTTP/1.0 200")   # on its way; now read no more
        closing = threading.Thread(target=context.__exit__, args=(None, None, None),
                                   daemon=True)
        closing.start()
        closing.join(timeout=60)   # a hang, not a speed: the defect waits until the reader quits
        assert not closing.is_alive(), "closing the server waits for a stalled reader"
    finally:
        if reader is not None:
            reader.close()


# --- the browser -----------------------------------------------------------------------------
def _start_chromium(profile: str, page_load_timeout: float = 60):
    """Headless Chromium through chromedriver; its and Chromium's warnings go to
    ``test-artifacts/chromedriver-PID-N.log`` (N counts this process's starts)."""
    from selenium import webdriver  # in the dev extra; tools/venv.sh installs it
    from selenium.webdriver.chrome.service import Service

    chromium = _find("chromium", "chromium-browser", "google-chrome")
    chromedriver = _find("chromedriver")
    assert chromium and chromedriver, (
        "the browser tests need Chromium and its driver: run tools/browser.sh "
        "(Debian/Ubuntu: apt-get install chromium chromium-driver)")
    opts = webdriver.ChromeOptions()
    opts.binary_location = chromium
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--no-first-run", "--hide-scrollbars",
                "--window-size=1280,900", f"--user-data-dir={profile}",
                # Nothing can leave the machine even if a page asks: every host but the local
                # server fails to resolve. The request is still logged, and the test fails.
                "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"):
        opts.add_argument(arg)
    opts.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    LOGS.mkdir(parents=True, exist_ok=True)
    service = Service(executable_path=chromedriver, service_args=["--log-level=WARNING"],
                      log_output=str(LOGS / f"chromedriver-{os.getpid()}-{next(_STARTS)}.log"))
    drv = webdriver.Chrome(options=opts, service=service)
    drv.set_page_load_timeout(page_load_timeout)
    drv.set_script_timeout(60)
    return drv


LOGS = SHOTS.parent  # test-artifacts/
_STARTS = itertools.count(1)  # this process's Chromium starts, for the log files' names


class Browser:
    """The Chromium session the tests share, and a fresh one when it stops answering.

    Once in a whole run (2026-12-03), every page load timed out from the first page on, the
    renderer asleep, while the same pages loaded in a second elsewhere. A page load that times
    out therefore gets a new browser and one more try (``_open``); a page that times out twice
    fails its test. Everything else is the webdriver's own (``__getattr__``)."""

    def __init__(self, page_load_timeout: float = 60):
        self.page_load_timeout = page_load_timeout
        self.restarts: list[str] = []
        self._profile = tempfile.mkdtemp(prefix="dlcourse-chromium-")
        self._drv = _start_chromium(self._profile, page_load_timeout)

    def __getattr__(self, name):
        return getattr(self._drv, name)

    def restart(self, why: str) -> None:
        self.restarts.append(why)
        self.quit()
        self._profile = tempfile.mkdtemp(prefix="dlcourse-chromium-")
        self._drv = _start_chromium(self._profile, self.page_load_timeout)

    def quit(self) -> None:
        try:
            self._drv.quit()
        except Exception:  # a wedged browser may not answer even that
            pass
        shutil.rmtree(self._profile, ignore_errors=True)


@pytest.fixture(scope="module")
def driver():
    browser = Browser()
    yield browser
    if browser.restarts:
        import warnings

        warnings.warn(f"the browser was started again: {browser.restarts}")
    browser.quit()


# Needs no site: a group of its own, so it can run on the worker that does not build it. Most
# of its time is spent waiting for page loads to time out, best spent while the other worker's
# newcomer build keeps both cores busy; in the site group it added 16 s (40 s once) to the
# chain of site tests that ends the run.
@pytest.mark.xdist_group("browser-retry")
def test_a_page_load_that_times_out_is_tried_again_in_a_new_browser(tmp_path):
    """``_open``: a stalled load gets a fresh browser and one more try; a page that stalls every
    time still fails."""
    from selenium.common.exceptions import TimeoutException

    (tmp_path / "page.html").write_text("<!DOCTYPE html><title>t</title><p>here</p>")
    asked: dict[str, int] = {}

    class Stalling(_Quiet):
        def do_GET(self):
            name = self.path.lstrip("/")
            asked[name] = asked.get(name, 0) + 1
            if name == "always.html" or (name == "once.html" and asked[name] == 1):
                time.sleep(30)  # never answered in time (a daemon thread: nothing waits for it)
                return
            self.path = "/page.html"
            super().do_GET()

    server = _Server(("127.0.0.1", 0), functools.partial(Stalling, directory=str(tmp_path)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    browser = Browser(page_load_timeout=4)  # a tiny local page: far more than it needs
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/"
        _open(browser, url, "once.html")
        assert browser.execute_script("return document.body.textContent") == "here"
        assert len(browser.restarts) == 1 and asked["once.html"] == 2, browser.restarts
        # A page that never answers times out however short the limit: 1 s in this browser,
        # whose renderer is running. The new one keeps 4 s: it must ask for the page in time.
        browser.set_page_load_timeout(1)
        with pytest.raises(TimeoutException):
            _open(browser, url, "always.html")
        assert len(browser.restarts) == 2 and asked["always.html"] == 2
    finally:
        browser.quit()
        server.shutdown()


def _drain(drv) -> tuple[list[dict], list[str]]:
    """(console entries, URLs requested) since the last call."""
    console = drv.get_log("browser")
    urls = []
    for entry in drv.get_log("performance"):
        msg = json.loads(entry["message"])["message"]
        if msg.get("method") == "Network.requestWillBeSent":
            urls.append(msg["params"]["request"]["url"])
    return console, urls


def _wait(drv, script: str, timeout: float = 30, what: str = "") -> object:
    """Poll a JavaScript expression until it is truthy; fail with ``what`` on time-out."""
    end = time.monotonic() + timeout
    while True:
        value = drv.execute_script(f"return ({script});")
        if value:
            return value
        if time.monotonic() > end:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what or script}")
        time.sleep(0.2)


WAIT_MATH = """
const done = arguments[arguments.length - 1];
if (!document.querySelector('.math')) { done('no math'); return; }
const start = Date.now();
(function poll() {
  if (window.MathJax && MathJax.startup && MathJax.startup.promise) {
    MathJax.startup.promise.then(() => done('typeset'), e => done('error: ' + e));
  } else if (Date.now() - start > 30000) { done('MathJax never started'); }
  else { setTimeout(poll, 100); }
})();
"""

WIDGETS_RENDERED = ("Array.from(document.querySelectorAll("
                    "'script[type=\"application/vnd.jupyter.widget-view+json\"]'))"
                    ".every(s => s.parentElement.querySelector('.jupyter-widgets'))")


def _open(drv, base_url: str, page: str):
    """Load a page and wait until math and widgets are rendered and images have loaded (a load
    that times out: once more, in a new browser)."""
    from selenium.common.exceptions import TimeoutException

    url = urllib.parse.urljoin(base_url, page)
    try:
        drv.get(url)
    except TimeoutException:
        drv.restart(f"{page}: the page load timed out after {drv.page_load_timeout:g} s")
        drv.get(url)
    _wait(drv, "document.readyState === 'complete'", what=f"{page} to load")
    state = drv.execute_async_script(WAIT_MATH)
    assert state in ("no math", "typeset"), f"{page}: MathJax {state}"
    _wait(drv, WIDGETS_RENDERED, what=f"{page}: widgets to render")
    # Scroll to the bottom and back so that every image is asked for, then wait for them.
    drv.execute_script("window.scrollTo(0, document.body.scrollHeight); window.scrollTo(0, 0);")
    _wait(drv, "Array.from(document.images).every(i => i.complete)", what=f"{page}: images")


def _assert_quiet_console(drv, page: str, when: str) -> list[str]:
    """No console error since the last look; returns the URLs requested since then."""
    console, urls = _drain(drv)
    errors = [e["message"] for e in console if e["level"] == "SEVERE"]
    assert not errors, f"{page}: console errors {when}:\n" + "\n".join(errors)
    return urls


def _external(urls: list[str], base_url: str) -> list[str]:
    return [u for u in urls if not (u.startswith(base_url) or u.startswith(LOCAL_SCHEMES))]


# --- every page ------------------------------------------------------------------------------
#: The search fields and buttons a reader sees (where each is: its parent's id or class). The
#: sidebar has one; the theme's top bar must not add a second above it.
VISIBLE_SEARCHES = """
return Array.from(document.querySelectorAll('.search-button-field, .search-button'))
  .filter(el => { const r = el.getBoundingClientRect();
                  return r.width > 0 && r.height > 0
                         && getComputedStyle(el).visibility !== 'hidden'; })
  .map(el => el.closest('[id]') ? el.closest('[id]').id : el.parentElement.className);
"""

# The Korean edition (issue 15) is read the same way: every page of _build/html/ko as well.
KOREAN = [f"ko/{p}" for p in PAGES + ["search"]]


@pytest.mark.parametrize("name", PAGES + ["search"] + KOREAN)
def test_page_reads_well(driver, base_url, name):
    page = f"{name}.html"
    _drain(driver)
    _open(driver, base_url, page)
    SHOTS.mkdir(parents=True, exist_ok=True)
    driver.save_screenshot(str(SHOTS / f"{name.replace('/', '__')}.png"))
    urls = _assert_quiet_console(driver, page, "on loading")
    if name in PAGES and name not in _LAYOUTS:   # measured now: the layout tests need no reload
        _LAYOUTS[name] = driver.execute_script(LAYOUT)
    if name in PAGES:   # read now: the navigation test needs no second walk through the book
        _LINKS[name] = driver.execute_script(LINKS)
    outside = _external(urls, base_url)
    assert not outside, f"{page}: requests that leave localhost:\n" + "\n".join(outside)
    searches = driver.execute_script(VISIBLE_SEARCHES)
    assert len(searches) == 1, f"{page}: {len(searches)} search fields on screen: {searches}"

    untypeset = driver.execute_script(
        "return Array.from(document.querySelectorAll('.math'))"
        ".filter(m => !m.querySelector('mjx-container')).map(m => m.textContent.slice(0, 60));")
    assert not untypeset, f"{page}: math left as raw TeX: {untypeset[:5]}"

    images = driver.execute_script("""
        return Array.from(document.images).map(i => ({src: i.getAttribute('src') || '',
            alt: (i.getAttribute('alt') || '').trim(), ok: i.complete && i.naturalWidth > 0}));""")
    broken = [i["src"][:80] for i in images if not i["ok"]]
    assert not broken, f"{page}: images that did not load: {broken}"
    no_alt = [i["src"][:80] for i in images
              if not i["alt"] or i["alt"].lower().endswith((".png", ".svg", ".jpg", ".gif"))]
    assert not no_alt, f"{page}: images without alt text (a file name does not count): {no_alt}"


# --- navigation ------------------------------------------------------------------------------
#: A page's "previous" and "next" links (absolute addresses, or null where there is none).
LINKS = """
const link = sel => { const a = document.querySelector(sel); return a ? a.href.split('#')[0] : null; };
return {prev: link('a.left-prev'), next: link('a.right-next')};
"""
_LINKS: dict[str, dict] = {}


def _page_of(url: str, base_url: str) -> str:
    path = urllib.parse.urlsplit(url).path
    return path[len(urllib.parse.urlsplit(base_url).path):].removesuffix(".html")


def _links(drv, base_url: str, name: str) -> dict:
    """The page's previous and next pages (read when test_page_reads_well opened it)."""
    if name not in _LINKS:
        _open(drv, base_url, f"{name}.html")
        _LINKS[name] = drv.execute_script(LINKS)
    return {k: v and _page_of(v, base_url) for k, v in _LINKS[name].items()}


def _click(drv, base_url: str, start: str, selector: str) -> str:
    """Open ``start``, click its link ``selector`` as a reader does; the page it leads to."""
    drv.get(urllib.parse.urljoin(base_url, f"{start}.html"))
    drv.execute_script("arguments[0].click();", drv.find_element("css selector", selector))
    _wait(drv, f"!location.href.endsWith('/{start}.html')", what=f"a click on {selector} of {start}")
    _wait(drv, "document.readyState === 'complete'")
    return _page_of(drv.current_url, base_url)


def test_previous_and_next_links_follow_the_table_of_contents(driver, base_url):
    """Through the book by its "next" links, page after page in the order of the table of
    contents; on each page the "previous" link leads to the page before. The links are read on
    every page (when test_page_reads_well has it open: no second walk through the book), and a
    reader's click on a "next" and on a "previous" link goes where the link says."""
    order = ["intro"] + [p for p in PAGES if p != "intro"]
    links = {p: _links(driver, base_url, p) for p in order}
    assert links[order[0]]["prev"] is None, f"{order[0]}: a previous link on the first page"
    assert links[order[-1]]["next"] is None, f"{order[-1]}: a next link after the last page"
    for here, after in zip(order, order[1:]):
        assert links[here]["next"] == after, \
            f"{here}: the next link leads to {links[here]['next']}, not {after}"
        assert links[after]["prev"] == here, \
            f"{after}: the previous link leads to {links[after]['prev']}, not {here}"
    middle = order[len(order) // 2]
    assert _click(driver, base_url, middle, "a.right-next") == links[middle]["next"]
    assert _click(driver, base_url, middle, "a.left-prev") == links[middle]["prev"]


def test_sidebar_lists_every_page_and_its_links_work(driver, base_url):
    for start in ("intro", "chapters/07_vanishing_gradients"):
        driver.get(urllib.parse.urljoin(base_url, f"{start}.html"))
        hrefs = driver.execute_script(
            "return Array.from(document.querySelectorAll('nav.bd-docs-nav a.reference.internal'))"
            ".map(a => a.href);")
        listed = {_page_of(h, base_url) for h in hrefs if "#" not in h}
        listed.add(start)  # the current page links to "#"
        missing = [p for p in PAGES if p not in listed and p != "intro"]
        assert not missing, f"{start}: the sidebar does not list {missing}"
        for href in hrefs:
            with urllib.request.urlopen(href.split("#")[0], timeout=10) as resp:
                assert resp.status == 200, f"{start}: sidebar link {href} answers {resp.status}"
    # Clicking a sidebar entry opens that page.
    target = "chapters/10_cnn"
    anchor = driver.find_element("css selector", f'nav.bd-docs-nav a[href$="{target.split("/")[-1]}.html"]')
    driver.execute_script("arguments[0].click();", anchor)
    _wait(driver, f"location.href.endsWith('{target}.html')", what=f"the sidebar link to {target}")
    assert "Convolutional" in driver.find_element("css selector", "article h1").text


def test_search_finds_vanishing_gradient(driver, base_url):
    driver.get(urllib.parse.urljoin(base_url, "search.html?q=vanishing+gradient"))
    _wait(driver, "document.querySelectorAll('#search-results li').length > 0", timeout=30,
          what="search results for 'vanishing gradient'")
    hits = driver.execute_script(
        "return Array.from(document.querySelectorAll('#search-results li a')).map(a => a.href);")
    assert any("07_vanishing_gradients" in h for h in hits), f"no hit on chapter 7: {hits[:10]}"


# --- moving figures --------------------------------------------------------------------------
def _pages_with(site: Path, marker: str) -> list[str]:
    return [p for p in PAGES if marker in (site / f"{p}.html").read_text(encoding="utf-8")]


FRAME_SHOWN = ("const img = arguments[0].querySelector('img');"
               "return img ? img.src.length + ':' + img.src.slice(-80) : null;")


def test_animations_play_on_the_static_site(driver, base_url, site):
    pages = _pages_with(site, 'id="_anim_img')
    assert pages, "no page has a to_jshtml() animation (chapters 2, 8 and 10 do)"
    for page in pages:
        _open(driver, base_url, f"{page}.html")
        ids = driver.execute_script(
            "return Array.from(document.querySelectorAll('img[id^=\"_anim_img\"]')).map(i => i.id);")
        for img_id in ids:
            anim = img_id.removeprefix("_anim_img")
            before = driver.execute_script(f"return document.getElementById('{img_id}').src;")
            driver.execute_script(f"anim{anim}.first_frame();")
            button = driver.find_element("css selector", f'button[onclick="anim{anim}.play_animation()"]')
            driver.execute_script("arguments[0].scrollIntoView({block: 'center'}); arguments[0].click();", button)
            _wait(driver, f"document.getElementById('{img_id}').src !== {json.dumps(before)}",
                  timeout=10, what=f"{page}: animation {anim} to change frame after play")
            driver.execute_script(f"anim{anim}.pause_animation();")
        _assert_quiet_console(driver, page, "while its moving figures play")


def test_widget_sliders_move_on_the_static_site(driver, base_url, site):
    pages = _pages_with(site, "application/vnd.jupyter.widget-view+json")
    assert pages, "no page has a widget (chapter 1 has a frame slider)"
    for page in pages:
        _open(driver, base_url, f"{page}.html")
        players = driver.find_elements("css selector", ".widget-play")
        sliders = driver.find_elements("css selector", ".widget-slider .noUi-handle, .widget-slider .slider-handle")
        assert players and sliders, f"{page}: widget state embedded, but no play button or slider rendered"
        for player, handle in zip(players, sliders):
            # The frame_slider's VBox: [HBox(play, slider), Stack(frames)]; the Stack shows one
            # frame's <img> at a time.
            box = player.find_element("xpath", "ancestor::div[contains(@class, 'widget-vbox')][1]")
            driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", box)
            first = driver.execute_script(FRAME_SHOWN, box)
            assert first, f"{page}: a frame slider shows no image"
            # A slider step: the keyboard moves the handle one value to the right.
            driver.execute_script("arguments[0].focus();", handle)
            handle.send_keys("\ue014")  # ARROW_RIGHT
            time.sleep(0.3)
            stepped = driver.execute_script(FRAME_SHOWN, box)
            assert stepped != first, f"{page}: the figure did not change after a slider step"
            # Play: the frames change by themselves.
            player.find_element("css selector", "button").click()
            end, played = time.monotonic() + 8, stepped
            while played == stepped and time.monotonic() < end:
                time.sleep(0.2)
                played = driver.execute_script(FRAME_SHOWN, box)
            player.find_element("css selector", "button").click()  # pause again
            assert played != stepped, f"{page}: the figure did not change after a click on play"
        _assert_quiet_console(driver, page, "while its moving figures play")


# --- layout: what a reader sees at a 1280 px window (issue 11) ---------------------------------
MAX_LINE = 80  # characters of a code or output line; the code box shows about 78
MIN_COLUMN_GAP_EM = 0.5  # the least space between the texts of two neighbouring table cells

LAYOUT = """
const art = document.querySelector('article.bd-article') || document.body;
const out = {tex: [], lines: [], math: [], figures: [], tables: []};
const short = s => s.replace(/\\s+/g, ' ').trim().slice(0, 70);

// 1. TeX left in prose: text outside math, code, scripts and widgets that holds "$" or "\\name".
const SKIP = 'pre, code, kbd, samp, script, style, textarea, .math, mjx-container, '
           + '.jupyter-widgets, .widget-subarea, .headerlink';
const walker = document.createTreeWalker(art, NodeFilter.SHOW_TEXT);
for (let n = walker.nextNode(); n; n = walker.nextNode()) {
  const text = n.textContent;
  if (!/[$]|\\\\[A-Za-z]{2,}/.test(text) || n.parentElement.closest(SKIP)) continue;
  const m = text.match(/[$]|\\\\[A-Za-z]{2,}/);
  out.tex.push(short(text.slice(Math.max(0, m.index - 35), m.index + 35)));
}

// 2. Code and output lines longer than %(max_line)d characters, and the narrowest code box:
//    how many characters it shows without sideways scrolling.
out.box = null;
art.querySelectorAll('pre').forEach(pre => {
  if (pre.closest('.jupyter-widgets')) return;
  const where = pre.closest('.cell_output') ? 'output' : 'code';
  if (pre.clientWidth > 0) {
    const style = getComputedStyle(pre);
    const probe = document.createElement('span');
    probe.textContent = 'x'.repeat(100);
    pre.appendChild(probe);
    const char = probe.getBoundingClientRect().width / 100;
    probe.remove();
    const inner = pre.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
    const fits = Math.floor(inner / char + 0.01);
    if (out.box === null || fits < out.box[0]) out.box = [fits, style.fontSize, Math.round(inner)];
  }
  pre.textContent.split('\\n').forEach(line => {
    if (line.length > %(max_line)d) out.lines.push([where, line.length, short(line)]);
  });
});

// 3. Display math wider than its column (the theme may put it in a scrolling box: measure the
//    formula itself, MathJax's <mjx-math>, against the width of the block that holds it).
art.querySelectorAll('mjx-container[display="true"]').forEach(c => {
  const math = c.querySelector('mjx-math');
  if (!math) return;
  const box = c.closest('div.math, .math') || c.parentElement;
  const style = getComputedStyle(box);
  const column = box.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
  const width = math.getBoundingClientRect().width;
  if (width > column + 1) {
    const tex = (c.closest('.math') || c).getAttribute('data-tex') || '';
    const alt = c.querySelector('mjx-assistive-mml') ? '' : tex;
    out.math.push([Math.round(width), Math.round(column), short(alt || box.textContent)]);
  }
});

// 4. Figures: every image a cell outputs sits in a <figure> with a caption and has alt text.
art.querySelectorAll('.cell_output img').forEach(img => {
  if (img.id.startsWith('_anim_img') || img.closest('.jupyter-widgets')) return;
  const src = (img.getAttribute('src') || '').slice(-50);
  const fig = img.closest('figure');
  const caption = fig && fig.querySelector('figcaption .caption-text, figcaption');
  if (!caption || !caption.textContent.trim()) out.figures.push('no caption: ' + src);
  const alt = (img.getAttribute('alt') || '').trim();
  if (!alt || /\\.(png|svg|jpe?g|gif)$/i.test(alt)) out.figures.push('no alt text: ' + src);
});

// 5. Tables whose columns run together: the texts of two neighbouring cells nearly touch.
//    A cell's ink: its text nodes and typeset formulas (not MathJax's hidden MathML copy).
function ink(cell) {
  let left = Infinity, right = -Infinity;
  const take = r => { if (r.width > 0) { left = Math.min(left, r.left); right = Math.max(right, r.right); } };
  const range = document.createRange();
  const walker = document.createTreeWalker(cell, NodeFilter.SHOW_ELEMENT | NodeFilter.SHOW_TEXT, {
    acceptNode(n) {
      if (n.nodeType === Node.TEXT_NODE) {
        if (n.textContent.trim()) { range.selectNodeContents(n); take(range.getBoundingClientRect()); }
        return NodeFilter.FILTER_SKIP;
      }
      if (n.tagName === 'MJX-ASSISTIVE-MML') return NodeFilter.FILTER_REJECT;
      if (n.tagName === 'MJX-MATH') { take(n.getBoundingClientRect()); return NodeFilter.FILTER_REJECT; }
      return NodeFilter.FILTER_SKIP;
    }});
  while (walker.nextNode()) {}
  return {left, right};
}
art.querySelectorAll('table').forEach(table => {
  const em = parseFloat(getComputedStyle(table).fontSize);
  let worst = null;
  table.querySelectorAll('tr').forEach(tr => {
    const cells = Array.from(tr.children).filter(c => c.textContent.trim());
    for (let i = 0; i + 1 < cells.length; i++) {
      const gap = ink(cells[i + 1]).left - ink(cells[i]).right;
      if (!worst || gap < worst.gap)
        worst = {gap, text: short(cells[i].textContent) + ' | ' + short(cells[i + 1].textContent)};
    }
  });
  if (worst && worst.gap < %(min_gap)s * em)
    out.tables.push([Math.round(worst.gap * 10) / 10, worst.text]);
});
// 6. Widget labels and readouts cut short ("temperat..."): the text is wider than its box.
out.labels = [];
art.querySelectorAll('.jupyter-widgets .widget-label, .jupyter-widgets .widget-readout, '
                     + '.jupyter-widgets .widget-label-basic').forEach(el => {
  if (el.offsetParent && el.scrollWidth > el.clientWidth + 1)
    out.labels.push([el.textContent.trim(), el.scrollWidth, el.clientWidth]);
});
return out;
""" % {"max_line": MAX_LINE, "min_gap": MIN_COLUMN_GAP_EM}

_LAYOUTS: dict[str, dict] = {}


def _layout(drv, base_url: str, name: str) -> dict:
    """What the LAYOUT script measures on a page (each page is opened once for all checks)."""
    if name not in _LAYOUTS:
        _open(drv, base_url, f"{name}.html")
        _LAYOUTS[name] = drv.execute_script(LAYOUT)
    return _LAYOUTS[name]


def _listing(items: list, show: int = 8) -> str:
    more = f"\n  ... and {len(items) - show} more" if len(items) > show else ""
    return "\n".join(f"  {item}" for item in items[:show]) + more


@pytest.mark.parametrize("name", PAGES)
def test_no_tex_left_in_the_prose(driver, base_url, name):
    """No stray "$" and no TeX command (\\frac, \\sigma, ...) outside math and code."""
    tex = _layout(driver, base_url, name)["tex"]
    assert not tex, (f"{name}: {len(tex)} pieces of prose show raw TeX (display math inside a "
                     "paragraph? give $$ ... $$ a blank line before and after):\n" + _listing(tex))


@pytest.mark.parametrize("name", PAGES)
def test_code_and_output_lines_fit_the_code_box(driver, base_url, name):
    lines = _layout(driver, base_url, name)["lines"]
    shown = [f"{where} line of {n} characters: {text}" for where, n, text in lines]
    assert not lines, (f"{name}: {len(lines)} code or output lines are longer than {MAX_LINE} "
                       "characters (cut off on the right):\n" + _listing(shown))


@pytest.mark.parametrize("name", PAGES)
def test_the_code_box_shows_80_characters(driver, base_url, name):
    """A line of MAX_LINE characters fits the page's narrowest code box without scrolling."""
    box = _layout(driver, base_url, name)["box"]
    if box is None:
        pytest.skip(f"{name} shows no code")
    fits, font, width = box
    assert fits >= MAX_LINE, (
        f"{name}: a code box {width} px wide in a {font} font shows {fits} characters; lines of "
        f"{fits + 1} to {MAX_LINE} characters need sideways scrolling (make the code font "
        "smaller or the box wider so that 80 characters fit at a 1280 px window)")


@pytest.mark.parametrize("name", PAGES)
def test_equations_fit_the_column(driver, base_url, name):
    wide = _layout(driver, base_url, name)["math"]
    shown = [f"{w} px in a {c} px column: {tex}" for w, c, tex in wide]
    assert not wide, (f"{name}: {len(wide)} equations are wider than the column at a 1280 px "
                      "window (split them over lines, e.g. with aligned):\n" + _listing(shown))


@pytest.mark.parametrize("name", PAGES)
def test_every_figure_has_a_caption_and_alt_text(driver, base_url, name):
    figures = _layout(driver, base_url, name)["figures"]
    assert not figures, (f"{name}: figures without caption or alt text (cell metadata "
                         "mystnb.figure.caption, mystnb.image.alt):\n" + _listing(figures))


@pytest.mark.parametrize("name", PAGES)
def test_table_columns_do_not_run_together(driver, base_url, name):
    tables = _layout(driver, base_url, name)["tables"]
    shown = [f"{gap} px between '{text}'" for gap, text in tables]
    assert not tables, (f"{name}: {len(tables)} tables whose neighbouring columns nearly touch "
                        f"(under {MIN_COLUMN_GAP_EM} em apart; '224 | 3' reads as '2243'):\n"
                        + _listing(shown))


@pytest.mark.parametrize("name", PAGES)
def test_slider_labels_show_whole(driver, base_url, name):
    cut = _layout(driver, base_url, name)["labels"]
    shown = [f"'{text}' needs {need} px, has {has} px" for text, need, has in cut]
    assert not cut, (f"{name}: widget labels cut short (frame_slider gives the description "
                     "the width it needs):\n" + _listing(shown))


PIXEL = ("data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk"
         "+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==")
SAMPLE = """<!DOCTYPE html><html><head><meta charset="utf-8"></head><body>
<article class="bd-article" style="width: 700px; font-size: 16px">
<p>{prose}</p>
<div class="highlight"><pre style="font: {code_px}px monospace; width: 680px; padding: 0">short line
{code}</pre></div>
<div class="math"><mjx-container display="true">
  <mjx-math style="display: inline-block; width: {math_px}px">x</mjx-math></mjx-container></div>
<div class="cell_output"><figure><img src="{pixel}" alt="{alt}">
  <figcaption><span class="caption-text">{caption}</span></figcaption></figure></div>
<table><tr><td style="padding: 0 {pad}px">224</td><td style="padding: 0 {pad}px">3</td></tr></table>
<div class="jupyter-widgets"><div class="widget-label"
  style="width: {label_px}px; overflow: hidden; white-space: nowrap">temperature</div></div>
</article></body></html>"""


def _measure_sample(drv, **defects) -> dict:
    fields = dict(prose="The sigmoid squeezes any number.", code="x = 1", code_px=10, math_px=300,
                  pixel=PIXEL, alt="A dot.", caption="One dot.", pad=8, label_px=200)
    fields.update(defects)
    drv.get("data:text/html;charset=utf-8," + urllib.parse.quote(SAMPLE.format(**fields)))
    return drv.execute_script(LAYOUT)


def test_the_layout_checks_catch_each_defect(driver):
    """Each check of the page tests flags its defect on a small page, and a clean page passes."""
    clean = _measure_sample(driver)
    assert clean.pop("box")[0] >= MAX_LINE
    assert not any(clean.values()), f"a clean page was flagged: {clean}"
    broken = _measure_sample(
        driver, prose="expand: $$y = W_2 b_1$$ <em>That is \\frac{1}{2}.</em>", code="x" * 81,
        code_px=16, math_px=900, alt="", caption="", pad=0, label_px=40)
    assert broken["box"][0] < MAX_LINE  # 680 px of a 16 px monospace font: about 70 characters
    assert len(broken["tex"]) == 2  # the "$" and, in the next piece of text, the "\frac"
    assert broken["lines"] == [["code", 81, "x" * 70]]
    assert len(broken["math"]) == 1 and broken["math"][0][:2] == [900, 700]
    assert broken["figures"] == ["no caption: " + PIXEL[-50:], "no alt text: " + PIXEL[-50:]]
    assert len(broken["tables"]) == 1 and broken["tables"][0][1] == "224 | 3"
    assert broken["labels"] and broken["labels"][0][0] == "temperature"
