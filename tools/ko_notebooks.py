"""Write the Korean copies of the chapter and exercise notebooks (issue 15, 한국어판).

A Korean notebook is its English notebook with every markdown cell translated from the same
message catalogs the Korean website is built from (``locales/ko/LC_MESSAGES/<page>.po``), and
nothing else changed: the same cells in the same order, code cells byte for byte, outputs and
cell metadata as they were. Its notebook metadata says which language it speaks,
``metadata.dlcourse.language = "ko"``; ``dlcourse.grading.check()`` and the batch grader read it
(see ``dlcourse/i18n.py``).

How a markdown cell is translated: Sphinx's gettext builder made one message per translatable
block of the *MyST-parsed* page (a paragraph, a heading, a list item's paragraph, a table cell,
an admonition's title and paragraphs), and its ``msgid`` is that block's inline source with the
line breaks turned into spaces. This script parses each cell with the same parser (MyST's
markdown-it with the book's extensions), takes every ``inline`` token (its text and its source
lines), finds that text in the cell's source and replaces exactly that span with the ``msgstr``.
Markup around a block (``#``, list bullets, ``>``, table pipes, directive fences and options)
stays as it is. Directive bodies (``{note}``, ``:::{admonition} Title``, ``{figure}`` ...) are
parsed the same way, recursively; code-like directives are left alone. A block without a
translation (no entry, an empty or a fuzzy one) stays English and is reported.

The Korean notebooks are committed in ``ko/chapters/`` and ``ko/exercises/`` (code identical,
outputs empty, as the English ones): the Korean pages' Colab and Binder buttons open them from the
repository. ``tools/build-book.sh`` rewrites them on every build, as it does the Colab cell and the
exercise cells, and ``tests/test_ko_notebooks.py`` fails when a committed one is not what this tool
writes now (after the English notebook or its catalog changed)::

    python tools/ko_notebooks.py              # write ko/chapters/*.ipynb, ko/exercises/*.ipynb
    python tools/ko_notebooks.py --check      # exit 1, naming them, if ko/ is not up to date
    python tools/ko_notebooks.py --out DIR            # DIR/chapters/*.ipynb, DIR/exercises/*.ipynb
    python tools/ko_notebooks.py --out DIR --strict   # exit 1 if any block is untranslated

The Korean build also writes them behind the Korean pages' download button
(``_build/html/ko/_sources``, ``tools/i18n.py build``).

or from Python::

    from ko_notebooks import write_notebooks
    report = write_notebooks(Path(DIR))   # {"chapters/02_perceptrons.ipynb": [untranslated...]}

``translate_notebook(nb, catalog)`` does one notebook (a dict as ``json.load`` reads it) and
``load_catalog(po_path)`` reads one catalog, for tests and other tools.
"""
from __future__ import annotations

import argparse
import copy
import functools
import json
import re
import sys
from pathlib import Path
from typing import Any, Iterator

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOK_DIRS = ("chapters", "exercises")
LANGUAGE = "ko"
COMMITTED = ROOT / LANGUAGE   # the committed Korean notebooks (the launch buttons open them)
CATALOGS = ROOT / "locales" / LANGUAGE / "LC_MESSAGES"
EXTENSIONS = {"colon_fence", "dollarmath", "amsmath", "deflist", "substitution"}  # _config.yml

# Directives whose body is not markdown (code, math, raw text): their text is never translated.
LITERAL_DIRECTIVES = {"code", "code-block", "code-cell", "sourcecode", "literalinclude", "math",
                      "raw", "eval-rst", "bibliography", "toctree", "include", "glossary",
                      "csv-table", "mermaid", "graphviz"}
_DIRECTIVE = re.compile(r"^\{([\w:.-]+)\}\s*(.*)$")


def load_catalog(po_path: Path) -> dict[str, str]:
    """msgid -> msgstr of one ``.po`` file: translated, non-fuzzy messages only."""
    from babel.messages.pofile import read_po

    if not Path(po_path).exists():
        return {}
    with open(po_path, "rb") as f:
        cat = read_po(f)
    return {m.id: m.string for m in cat
            if m.id and isinstance(m.id, str) and m.string and not m.fuzzy}


@functools.lru_cache(maxsize=1)
def _parser():
    from markdown_it.renderer import RendererHTML
    from myst_parser.config.main import MdParserConfig
    from myst_parser.parsers.mdit import create_md_parser

    return create_md_parser(MdParserConfig(enable_extensions=EXTENSIONS), RendererHTML)


def msgid(text: str) -> str:
    """The catalog key of a block's inline source, as Sphinx's gettext builder writes it."""
    return text.replace("\n", " ").strip()


def _blocks(md, text: str, first_line: int) -> Iterator[tuple[int, int, str]]:
    """Every translatable block of ``text``: (first source line, last source line, inline
    source). A table's cells are blocks on one line each, left to right. Line numbers count
    from ``first_line`` (the text's first line in the cell), so directive bodies parsed on
    their own map back to the cell."""
    for tok in md.parse(text):
        if tok.type == "inline" and tok.map and tok.content.strip():
            yield first_line + tok.map[0], first_line + tok.map[1] - 1, tok.content
        elif tok.type in ("fence", "colon_fence") and tok.map:
            m = _DIRECTIVE.match(tok.info.strip())
            if not m or m.group(1) in LITERAL_DIRECTIVES:
                continue
            if m.group(2).strip():  # the directive's argument: an admonition's or tab's title
                yield first_line + tok.map[0], first_line + tok.map[0], m.group(2).strip()
            body = tok.content.split("\n")
            skip = 0
            if body and body[0].strip() == "---":  # YAML options block
                skip = next((i + 1 for i in range(1, len(body)) if body[i].strip() == "---"),
                            len(body))
            else:
                while skip < len(body) and re.match(r"^\s*:[\w-]+:", body[skip]):
                    skip += 1
            yield from _blocks(md, "\n".join(body[skip:]), first_line + tok.map[0] + 1 + skip)


def translate_markdown(source: str, catalog: dict[str, str]) -> tuple[str, list[str]]:
    """One markdown cell's source translated: (new source, msgids left untranslated)."""
    md = _parser()
    lines = source.split("\n")
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line) + 1)
    edits: list[tuple[int, int, str]] = []
    missing: list[str] = []
    cursor: dict[int, int] = {}  # line -> column already used (several cells on one row)
    for first, last, content in _blocks(md, source, 0):
        key = msgid(content)
        parts = content.split("\n")
        line = lines[first]
        col = line.find(parts[0].strip(), cursor.get(first, 0) if first == last else 0)
        if len(parts) == 1 and first == last:
            if col < 0:
                missing.append(key)
                continue
            end = starts[first] + col + len(parts[0].strip())
            cursor[first] = col + len(parts[0].strip())
        else:
            end_col = lines[last].rfind(parts[-1].strip())
            if col < 0 or end_col < 0:
                missing.append(key)
                continue
            end = starts[last] + end_col + len(parts[-1].strip())
        if key not in catalog:
            missing.append(key)
            continue
        new = " ".join(catalog[key].split("\n"))
        edits.append((starts[first] + col, end, new))
    out = source
    for start, end, new in sorted(edits, reverse=True):
        out = out[:start] + new + out[end:]
    return out, missing


def _source(cell: dict) -> str:
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else src


COLAB_LANGUAGE = (
    "\n"
    "    # On Colab the kernel cannot read this notebook's language: tell check() here.\n"
    "    import os\n"
    "\n"
    '    os.environ.setdefault("DLCOURSE_LANGUAGE", "{language}")'
)


def colab_cell(source: str, language: str = LANGUAGE) -> str:
    """The Colab set-up cell of a translated notebook: the English one, whose ``if`` block
    (run on Colab only) also sets ``DLCOURSE_LANGUAGE``, since a Colab kernel cannot find its
    notebook's ``metadata.dlcourse.language`` (dlcourse.i18n). Elsewhere the cell does nothing,
    as in English. It is the one code cell that differs (tagged remove-cell: never on a page)."""
    if 'if "google.colab" in sys.modules:' not in source or "DLCOURSE_LANGUAGE" in source:
        return source
    return source.rstrip("\n") + "\n" + COLAB_LANGUAGE.format(language=language)


def translate_notebook(nb: dict[str, Any], catalog: dict[str, str],
                       language: str = LANGUAGE) -> tuple[dict[str, Any], list[str]]:
    """A translated copy of one notebook and the msgids it left in English.

    Only the ``source`` of markdown cells changes (kept in the same list-of-lines form), plus
    ``metadata.dlcourse.language`` and the Colab set-up cell's language line
    (:func:`colab_cell`); every other byte of the notebook's data is copied.
    """
    out = copy.deepcopy(nb)
    missing: list[str] = []
    for cell in out.get("cells", []):
        if (cell.get("metadata", {}).get("dlcourse") or {}).get("colab_setup"):
            text = colab_cell(_source(cell), language)
            cell["source"] = (text.splitlines(keepends=True)
                              if isinstance(cell.get("source"), list) else text)
            continue
        if cell.get("cell_type") != "markdown":
            continue
        text, left = translate_markdown(_source(cell), catalog)
        missing += left
        if isinstance(cell.get("source"), list):
            cell["source"] = text.splitlines(keepends=True)
        else:
            cell["source"] = text
    out.setdefault("metadata", {}).setdefault("dlcourse", {})["language"] = language
    return out, missing


def notebooks(root: Path = ROOT) -> list[Path]:
    """The English chapter and exercise notebooks, relative to ``root``."""
    return [p.relative_to(root) for d in NOTEBOOK_DIRS for p in sorted((root / d).glob("*.ipynb"))]


def korean_texts(root: Path = ROOT, catalogs: Path | None = None, language: str = LANGUAGE
                 ) -> dict[Path, tuple[str, list[str]]]:
    """Per English notebook (relative path): the Korean notebook's file text and the msgids
    it left untranslated."""
    catalogs = catalogs or root / "locales" / language / "LC_MESSAGES"
    out: dict[Path, tuple[str, list[str]]] = {}
    for rel in notebooks(root):
        nb = json.loads((root / rel).read_text(encoding="utf-8"))
        catalog = load_catalog(catalogs / rel.with_suffix(".po"))
        new, missing = translate_notebook(nb, catalog, language)
        out[rel] = (json.dumps(new, indent=1, ensure_ascii=False) + "\n", missing)
    return out


def write_notebooks(out_dir: Path, root: Path = ROOT, catalogs: Path | None = None,
                    language: str = LANGUAGE) -> dict[str, list[str]]:
    """Write every Korean notebook under ``out_dir`` (same relative paths as the English ones);
    return, per notebook, the msgids left untranslated. A file is rewritten only if it changes;
    a notebook in ``out_dir`` whose English one is gone is removed."""
    report: dict[str, list[str]] = {}
    texts = korean_texts(root, catalogs, language)
    for rel, (text, missing) in texts.items():
        report[str(rel)] = missing
        target = Path(out_dir) / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        if not target.exists() or target.read_text(encoding="utf-8") != text:
            target.write_text(text, encoding="utf-8")
    for old in set(notebooks(Path(out_dir))) - set(texts):
        (Path(out_dir) / old).unlink()
    return report


def out_of_step(folder: Path = COMMITTED, root: Path = ROOT, catalogs: Path | None = None
                ) -> list[str]:
    """What differs between the Korean notebooks in ``folder`` and what this tool writes now
    (empty: up to date). One line per notebook: missing, different, or without English one."""
    texts = korean_texts(root, catalogs)
    found = []
    for rel, (text, _) in texts.items():
        path = folder / rel
        if not path.is_file():
            found.append(f"{rel}: missing from {folder}")
        elif path.read_text(encoding="utf-8") != text:
            found.append(f"{rel}: differs from what tools/ko_notebooks.py writes now")
    for rel in sorted(set(notebooks(folder)) - set(texts)):
        found.append(f"{rel}: in {folder}, but there is no English {rel}")
    return found


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description="Write the Korean chapter and exercise notebooks.")
    p.add_argument("--out", type=Path, default=COMMITTED,
                   help="folder to write chapters/*.ipynb and exercises/*.ipynb into "
                        "(default: ko/, the committed ones)")
    p.add_argument("--check", action="store_true",
                   help="write nothing; exit 1 if the notebooks in --out are not up to date")
    p.add_argument("--strict", action="store_true", help="exit 1 if a block is untranslated")
    p.add_argument("--verbose", action="store_true", help="list every untranslated block")
    args = p.parse_args(argv)
    if args.check:
        found = out_of_step(args.out.resolve())
        for line in found:
            print(line)
        print(f"ko_notebooks: {len(found)} Korean notebook(s) out of step in {args.out}"
              + ("; run: python tools/ko_notebooks.py" if found else ""))
        return 1 if found else 0
    report = write_notebooks(args.out)
    total = sum(len(v) for v in report.values())
    for rel, missing in report.items():
        if missing:
            print(f"{rel}: {len(missing)} block(s) untranslated (left in English)")
            if args.verbose:
                for m in missing:
                    print(f"    {m[:100]}")
    print(f"ko_notebooks: wrote {len(report)} notebooks to {args.out}; "
          f"{total} block(s) untranslated")
    return 1 if args.strict and total else 0


if __name__ == "__main__":
    sys.exit(main())
