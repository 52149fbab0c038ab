"""The Korean edition (한국어판): its message catalogs and its website, in one tool.

The Korean site is built from the same notebooks and pages as the English one; only the prose
is translated, through Sphinx's gettext catalogs ``locales/ko/LC_MESSAGES/<page>.po`` (one per
page, ``gettext_compact: false`` in ``_config.yml``). Translators fill them (locales/README.md);
this tool keeps them in step with the English text and builds the Korean site::

    python tools/i18n.py extract DIR   # the English text's messages, as DIR/<page>.pot (~5 s)
    python tools/i18n.py update        # extract, then merge into the catalogs (sphinx-intl):
                                       # a new message comes in untranslated, a changed one
                                       # fuzzy (its old translation kept as a suggestion);
                                       # figures.po too (tools/figure_messages.py); prints
                                       # every message that became new or fuzzy
    python tools/i18n.py stale         # exit 1, listing what differs, if the catalogs' messages
                                       # are not exactly the English text's (nothing written)
    python tools/i18n.py build [-W] [--keep-going] [--all] [--path-output P]
                                       # the Korean site into P/_build/html/ko (P: the
                                       # repository), after the English build

``build`` is what ``tools/build-book.sh`` (``make book``) runs after the English build. It uses
the English build's execution cache (``execute.cache`` in ``_config.yml``): myst-nb finds every
notebook there already executed, so the Korean pass executes nothing and shows the very same
outputs. A message without a translation (or a fuzzy one) stays English on the Korean page, so
the site builds at any stage of the translation. Its doctrees and myst-nb's output files go to
P/_build/ko/, outside the English site. Then the Korean notebooks are written where the Korean
pages' download button points (``_build/html/ko/_sources/<page>.ipynb``) by
``tools/ko_notebooks.py --out DIR`` (markdown translated from the same catalogs, code as is).
The Korean pages' Colab and Binder buttons open the committed copies of the same notebooks,
``ko/chapters/*.ipynb`` and ``ko/exercises/*.ipynb`` in the repository (``repository.path_to_book``
is ``ko`` in the Korean build's config); ``tools/build-book.sh`` rewrites them on every build.

The language switch on every page (English <-> 한국어) is the template
``assets/templates/language-switch.html``, named in ``_config.yml``.

This file is also the Sphinx extension the Korean build loads (``setup`` below).
"""
from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
LANGUAGE = "ko"
LOCALES = ROOT / "locales"
CATALOGS = LOCALES / LANGUAGE / "LC_MESSAGES"


# --- configurations -------------------------------------------------------------------------
def _config(base: Path, execute: bool, sphinx: dict, dest: Path) -> Path:
    """A copy of the book's config with ``sphinx.config`` updated, written to ``dest``."""
    config = yaml.safe_load(base.read_text(encoding="utf-8")) or {}
    if not execute:
        config.setdefault("execute", {})["execute_notebooks"] = "off"
    block = config.setdefault("sphinx", {})
    block.setdefault("config", {}).update(sphinx)
    # jupyter-book finds local extensions relative to the config file: this copy lives elsewhere.
    local = block.setdefault("local_extensions", {}) or {}
    block["local_extensions"] = {name: str((base.parent / folder).resolve())
                                 for name, folder in local.items()}
    if sphinx.get("language") == LANGUAGE:
        block["local_extensions"]["i18n"] = str(Path(__file__).resolve().parent)   # see setup
        # The Colab and Binder buttons open <path_to_book>/<page>.ipynb from the repository:
        # on a Korean page, the committed Korean notebook ko/<page>.ipynb (tools/ko_notebooks.py).
        repository = config.setdefault("repository", {}) or {}
        book = str(repository.get("path_to_book") or "").strip("/")
        repository["path_to_book"] = f"{book}/{LANGUAGE}" if book else LANGUAGE
        config["repository"] = repository
    dest.parent.mkdir(parents=True, exist_ok=True)
    dest.write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False),
                    encoding="utf-8")
    return dest


def _sphinx(config: Path, toc: Path, outdir: Path, doctrees: Path, builder: str,
            warnings_are_errors: bool = False, keep_going: bool = False,
            force_all: bool = False, quiet: bool = False) -> int:
    """jupyter-book's own Sphinx call (what ``jupyter-book build`` runs), with our folders."""
    from jupyter_book.sphinx import build_sphinx

    result = build_sphinx(ROOT, outdir, doctreedir=doctrees, noconfig=True, path_config=config,
                          confoverrides={"external_toc_path": toc.as_posix(),
                                         "latex_individualpages": False},
                          builder=builder, warningiserror=warnings_are_errors,
                          keep_going=keep_going, force_all=force_all, quiet=quiet,
                          really_quiet=quiet)
    if isinstance(result, Exception):
        return 2
    return int(result or 0)


# --- catalogs ---------------------------------------------------------------------------------
def extract(dest: Path, config: Path = ROOT / "_config.yml", toc: Path = ROOT / "_toc.yml"
            ) -> Path:
    """Extract the English text's messages into ``dest/<page>.pot``; returns ``dest``.

    Sphinx's gettext builder on the book, notebooks not executed (outputs are not translated).
    """
    dest = Path(dest)
    work = dest.parent / f".{dest.name}-work"
    # The gettext_* settings (one catalog per page, no uuid or location comments) are in
    # _config.yml, so the extraction and the Korean build read the catalogs the same way.
    cfg = _config(config, False, {}, work / "_config.yml")
    code = _sphinx(cfg, toc, dest, work / ".doctrees", "gettext", quiet=True)
    if code:
        sys.exit(f"[i18n] the gettext extraction failed (exit {code})")
    return dest


def _messages(path: Path) -> dict[str, bool]:
    """{msgid: fuzzy} of a .po or .pot file (the header left out)."""
    from babel.messages.pofile import read_po

    with path.open("rb") as fh:
        return {m.id: m.fuzzy for m in read_po(fh) if m.id}


def compare(pots: Path, catalogs: Path = CATALOGS) -> list[str]:
    """How the catalogs' messages differ from freshly extracted ones (empty: not stale).

    Only the page catalogs (one per extracted .pot) are compared; other catalogs in the folder
    (say, figures.po, kept by its own tool) are not Sphinx's page messages.
    """
    out = []
    for pot in sorted(Path(pots).rglob("*.pot")):
        page = pot.relative_to(pots).with_suffix("")
        po = catalogs / page.with_suffix(".po")
        if not po.is_file():
            out.append(f"{page}: no catalog {po.relative_to(ROOT)} (run tools/i18n.py update)")
            continue
        want, have = set(_messages(pot)), set(_messages(po))
        for msgid in sorted(want - have):
            out.append(f"{page}: English message missing from the catalog: {msgid[:70]!r}")
        for msgid in sorted(have - want):
            out.append(f"{page}: catalog message no longer in the English text: {msgid[:70]!r}")
    return out


def update(catalogs_root: Path = LOCALES) -> list[str]:
    """Extract and merge into the catalogs; the messages that became new or fuzzy."""
    from sphinx_intl.basic import update as intl_update

    before = {po: _messages(po) for po in (catalogs_root / LANGUAGE).rglob("*.po")}
    with tempfile.TemporaryDirectory(prefix="dlcourse-i18n-") as tmp:
        pots = extract(Path(tmp) / "gettext")
        intl_update(str(catalogs_root), str(pots), (LANGUAGE,), line_width=79)
    figures = ROOT / "tools" / "figure_messages.py"   # captions and alt texts: figures.po
    if figures.is_file() and catalogs_root == LOCALES:
        subprocess.run([sys.executable, str(figures)], cwd=ROOT, check=True)
    report = []
    for po in sorted((catalogs_root / LANGUAGE).rglob("*.po")):
        old = before.get(po, {})
        page = po.relative_to(catalogs_root / LANGUAGE / "LC_MESSAGES").with_suffix("")
        for msgid, fuzzy in _messages(po).items():
            if msgid not in old:
                report.append(f"{page}: new{' (fuzzy)' if fuzzy else ''}: {msgid[:70]!r}")
            elif fuzzy and not old[msgid]:
                report.append(f"{page}: became fuzzy: {msgid[:70]!r}")
    return report


# --- the Korean site --------------------------------------------------------------------------
def build(argv: list[str]) -> int:
    """The Korean site (see the module docstring); jupyter-book's build options in ``argv``."""
    parser = argparse.ArgumentParser(prog="tools/i18n.py build")
    parser.add_argument("-W", "--warningiserror", action="store_true")
    parser.add_argument("--keep-going", action="store_true")
    parser.add_argument("--all", action="store_true")
    parser.add_argument("--path-output", default=str(ROOT))
    parser.add_argument("--config", default=str(ROOT / "_config.yml"))
    parser.add_argument("--toc", default=str(ROOT / "_toc.yml"))
    opts, ignored = parser.parse_known_args(argv)
    if ignored:
        print(f"[i18n] the Korean build ignores {' '.join(ignored)}", file=sys.stderr)
    build_dir = Path(opts.path_output).resolve() / "_build"
    html = build_dir / "html" / LANGUAGE
    work = build_dir / LANGUAGE
    # Fast path, as for the notebooks in build-book.sh: nothing the build reads has changed since
    # it last succeeded with these options, so skip even starting Sphinx (3 s or more).
    stamp = work / ".dlcourse-built"
    digest = _inputs_digest([a for a in argv if a != "--all"])   # --all: same pages, all written
    if not opts.all and stamp.is_file() and stamp.read_text() == digest \
            and (html / "index.html").is_file():
        print("[i18n] the Korean site is up to date (no page, notebook, catalog or setting "
              "changed)", file=sys.stderr)
        return 0
    stamp.unlink(missing_ok=True)
    cfg = _config(Path(opts.config).resolve(), True, {"language": LANGUAGE}, work / "_config.yml")
    _korean_title(cfg)
    print(f"[i18n] building the Korean site into {html}", file=sys.stderr)
    start = time.perf_counter()
    code = _sphinx(cfg, Path(opts.toc).resolve(), html, work / ".doctrees", "html",
                   opts.warningiserror, opts.keep_going, opts.all)
    code = code or korean_notebooks(html / "_sources")
    if not code:
        stamp.write_text(digest)
    print(f"[i18n] the Korean site took {time.perf_counter() - start:.1f} s", file=sys.stderr)
    return code


def _korean_title(config: Path) -> None:
    """The site's title (sidebar, tab) in Korean: the landing page's title is the book's, so
    its translation in the root page's catalog is the Korean edition's title."""
    data = yaml.safe_load(config.read_text(encoding="utf-8"))
    title, root = data.get("title"), CATALOGS / "intro.po"
    translated = root.is_file() and title and _translations(root).get(title)
    if translated:
        data["title"] = translated
        config.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False),
                          encoding="utf-8")


def _translations(path: Path) -> dict[str, str]:
    """{msgid: msgstr} of a catalog's translated, not fuzzy messages."""
    from babel.messages.pofile import read_po

    with path.open("rb") as fh:
        return {m.id: m.string for m in read_po(fh) if m.id and m.string and not m.fuzzy}


_NOT_READ = {".git", "_build", ".venv", ".cache", "node_modules", "test-artifacts",
             ".pytest_cache", "__pycache__", ".ipynb_checkpoints"}


def _inputs_digest(argv: list[str]) -> str:
    """A digest of everything the Korean build may read: every file of the working tree (but
    build outputs, caches and compiled catalogs: name, size, modification time), the build's
    options, and the versions of the packages that render the site."""
    import hashlib
    import os
    from importlib.metadata import version

    h = hashlib.sha256(repr([argv, sys.executable] + [
        version(p) for p in ("sphinx", "jupyter-book", "myst-nb", "sphinx-book-theme")]).encode())
    for folder, dirs, files in os.walk(ROOT):
        dirs[:] = sorted(d for d in dirs if d not in _NOT_READ)
        for name in sorted(files):
            if not name.endswith(".mo"):
                st = os.stat(os.path.join(folder, name))
                h.update(f"{folder}/{name}\0{st.st_size}\0{st.st_mtime_ns}\0".encode())
    return h.hexdigest()


def korean_notebooks(dest: Path) -> int:
    """Write the Korean notebooks where the Korean pages' download button points.

    ``tools/ko_notebooks.py --out DIR`` writes DIR/chapters/*.ipynb and DIR/exercises/*.ipynb;
    the download button of ``ko/chapters/02_perceptrons.html`` is
    ``ko/_sources/chapters/02_perceptrons.ipynb``, so DIR is the Korean site's ``_sources``.
    """
    tool = ROOT / "tools" / "ko_notebooks.py"
    if not tool.is_file():
        print("[i18n] HOOK: tools/ko_notebooks.py is not there yet; the Korean pages' download "
              "button gives the English notebook", file=sys.stderr)
        return 0
    proc = subprocess.run([sys.executable, str(tool), "--out", str(dest)], cwd=ROOT)
    if proc.returncode:
        print(f"[i18n] tools/ko_notebooks.py failed (exit {proc.returncode})", file=sys.stderr)
    return proc.returncode


# --- the Sphinx extension the Korean build loads ----------------------------------------------
def _own_output_folder(app) -> None:
    """myst-nb's output files (images of outputs) in _build/ko/jupyter_execute.

    myst-nb puts them next to the output folder (``_build/html/jupyter_execute`` for the
    Korean site in ``_build/html/ko``), which is inside the English site.
    """
    config = getattr(app.env, "mystnb_config", None)
    if config is not None:
        folder = Path(app.doctreedir).parent / "jupyter_execute"
        app.env.mystnb_config = config.copy(output_folder=str(folder.resolve()))


def _translate_toc_captions(app, doctree) -> None:
    """The sidebar's part captions ("Start here" -> "시작하기") in the page's language.

    They are messages of the root page's catalog, but sphinx-external-toc inserts the toctrees
    (transform priority 100) after Sphinx has translated the page (priority 20).
    """
    from sphinx import addnodes
    from sphinx.locale import init as init_locale
    from sphinx.util.i18n import docname_to_domain

    toctrees = [n for n in doctree.findall(addnodes.toctree) if n.get("caption")]
    if not toctrees or not app.config.language or app.config.language == "en":
        return
    domain = docname_to_domain(app.env.docname, app.config.gettext_compact)
    dirs = [str(Path(app.srcdir) / d) for d in app.config.locale_dirs]
    catalog, found = init_locale(dirs, app.config.language, domain)
    if found:
        for node in toctrees:
            node["caption"] = catalog.gettext(node["caption"])


def setup(app) -> dict:
    app.connect("builder-inited", _own_output_folder, priority=900)  # after myst-nb's (500)
    # doctree-read runs after every transform (InsertToctrees included) and before the
    # toctree collector (priority 500) records the captions.
    app.connect("doctree-read", _translate_toc_captions, priority=400)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}


# --- command line ------------------------------------------------------------------------------
def main(argv: list[str]) -> int:
    if not argv or argv[0] not in ("extract", "update", "stale", "build"):
        print(__doc__, file=sys.stderr)
        return 2
    command, rest = argv[0], argv[1:]
    if command == "build":
        return build(rest)
    if command == "extract":
        if len(rest) != 1:
            sys.exit("usage: python tools/i18n.py extract DIR")
        print(extract(Path(rest[0]).resolve()))
        return 0
    if command == "update":
        report = update()
        print("\n".join(report) if report else "no message became new or fuzzy")
        print(f"[i18n] {len(report)} messages new or fuzzy", file=sys.stderr)
        return 0
    with tempfile.TemporaryDirectory(prefix="dlcourse-i18n-") as tmp:
        found = compare(extract(Path(tmp) / "gettext"))
    print("\n".join(found) if found else "the catalogs match the English text")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
