"""The figures' captions and alt texts as one message catalog, locales/ko/LC_MESSAGES/figures.po.

A figure drawn by a code cell takes its caption and alt text from the cell's metadata
(``mystnb.figure.caption``, ``mystnb.image.alt``). Sphinx's gettext builder never sees them
(the catalogs are extracted from the pages without executing them, and myst-nb adds the alt
text after Sphinx translates), so they live in a catalog of their own, kept here, and the Korean
build puts the translations in (``book_ext/figure_i18n.py``).

    python tools/figure_messages.py            # add new texts, mark changed ones fuzzy, drop
                                               # texts no figure uses (translations are kept)
    python tools/figure_messages.py --check    # exit 1 if figures.po is not up to date
"""
from __future__ import annotations

import json
import sys
from io import BytesIO
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parents[1]
CATALOG = ROOT / "locales" / "ko" / "LC_MESSAGES" / "figures.po"
NOTEBOOKS = ("chapters/*.ipynb", "exercises/*.ipynb")


def figure_texts(root: Path = ROOT) -> list[tuple[str, str, str]]:
    """(notebook, figure name, text) for every caption and alt text, in page order."""
    found = []
    for pattern in NOTEBOOKS:
        for path in sorted(root.glob(pattern)):
            nb = json.loads(path.read_text(encoding="utf-8"))
            for cell in nb["cells"]:
                meta = cell.get("metadata", {}).get("mystnb") or {}
                name = (meta.get("figure") or {}).get("name", "")
                for text in ((meta.get("figure") or {}).get("caption"),
                             (meta.get("image") or {}).get("alt")):
                    if text:
                        found.append((path.relative_to(root).as_posix(), name, text))
    return found


def fresh_catalog(root: Path = ROOT) -> Catalog:
    """The catalog as it should be, translations copied from the one on disk."""
    old = None
    if CATALOG.is_file():
        with CATALOG.open("rb") as fh:
            old = read_po(fh)
    new = Catalog(locale="ko", project="Deep Learning from the Ground Up", fuzzy=False)
    for page, name, text in figure_texts(root):
        if text in new:
            continue
        message = new.add(text, locations=[(page, 0)], auto_comments=[name] if name else [])
        if old is not None and old.get(text) is not None and old[text].string:
            message.string = old[text].string
            if old[text].fuzzy:
                message.flags.add("fuzzy")
    return new


def render(catalog: Catalog) -> bytes:
    out = BytesIO()
    write_po(out, catalog, width=79, omit_header=False, sort_output=False,
             include_lineno=False)
    return out.getvalue()


def _body(data: bytes) -> bytes:
    """The catalog without its header (whose dates change on every write)."""
    return data.split(b"\n\n", 1)[1] if b"\n\n" in data else data


def main(argv: list[str]) -> int:
    catalog = fresh_catalog()
    data = render(catalog)
    if "--check" in argv:
        current = CATALOG.read_bytes() if CATALOG.is_file() else b""
        if _body(current) != _body(data):
            print(f"{CATALOG.relative_to(ROOT)} is not up to date with the notebooks' figure "
                  "captions and alt texts: run python tools/figure_messages.py", file=sys.stderr)
            return 1
        return 0
    CATALOG.parent.mkdir(parents=True, exist_ok=True)
    if not CATALOG.is_file() or _body(CATALOG.read_bytes()) != _body(data):
        CATALOG.write_bytes(data)
    todo = sum(1 for m in catalog if m.id and (not m.string or m.fuzzy))
    print(f"{CATALOG.relative_to(ROOT)}: {len(catalog)} texts, {todo} to translate",
          file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
