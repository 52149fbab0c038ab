"""Translate a message catalog without retyping its English: dump the messages, fill them back.

    python tools/po_fill.py dump PO [--all]     # JSON lines {"n": 3, "id": "..."} of the
                                                # untranslated (or, with --all, every) message
    python tools/po_fill.py fill PO FILE.json   # FILE.json: {"3": "번역", ...}; sets those
                                                # msgstr, clears their fuzzy flag, rewrites PO

Numbers are the messages' positions in the catalog (the header is not counted), so a dump and
the fill that follows it must use the same catalog. Check the result with tools/po_check.py.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po


def _load(path: Path):
    with path.open("rb") as fh:
        return read_po(fh)


def _messages(catalog):
    return [m for m in catalog if m.id]


def dump(path: Path, everything: bool) -> None:
    for n, message in enumerate(_messages(_load(path))):
        if everything or not message.string or message.fuzzy:
            print(json.dumps({"n": n, "id": message.id}, ensure_ascii=False))


def fill(path: Path, table: Path) -> None:
    catalog = _load(path)
    messages = _messages(catalog)
    done = json.loads(table.read_text(encoding="utf-8"))
    for key, text in done.items():
        n = int(key)
        if not 0 <= n < len(messages):
            sys.exit(f"{table}: message {n} does not exist ({len(messages)} messages in {path})")
        messages[n].string = text
        messages[n].flags.discard("fuzzy")
    with path.open("wb") as fh:
        write_po(fh, catalog, width=79, omit_header=False)
    print(f"{path}: {len(done)} messages set", file=sys.stderr)


if __name__ == "__main__":
    if len(sys.argv) >= 3 and sys.argv[1] == "dump":
        dump(Path(sys.argv[2]), "--all" in sys.argv[3:])
    elif len(sys.argv) == 4 and sys.argv[1] == "fill":
        fill(Path(sys.argv[2]), Path(sys.argv[3]))
    else:
        sys.exit(__doc__)
