r"""Translate a message catalog without retyping its English: dump the messages, fill them back.

    python tools/po_fill.py dump PO [--all] [--txt]
                                  # JSON lines {"n": 3, "id": "..."} of the untranslated (with
                                  # --all, every) message; --txt: "@@ 3" and the English below
    python tools/po_fill.py fill PO FILE.json   # FILE.json: {"3": "번역", ...}; sets those
                                                # msgstr, clears their fuzzy flag, rewrites PO
    python tools/po_fill.py fill PO FILE.txt    # the same from a text file with no escaping:
                                                # a line "@@ 3", then the translation of
                                                # message 3 on the lines up to the next "@@ n"

The text form suits math: backslashes are written once (in JSON, "\\frac" is needed, and a
single "\f" silently becomes a form feed). Blank lines around a translation are dropped.

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


def dump(path: Path, everything: bool, txt: bool) -> None:
    for n, message in enumerate(_messages(_load(path))):
        if everything or not message.string or message.fuzzy:
            if txt:
                print(f"@@ {n}\n{message.id}\n")
            else:
                print(json.dumps({"n": n, "id": message.id}, ensure_ascii=False))


def _blocks(text: str, table: Path) -> dict[str, str]:
    done: dict[str, str] = {}
    key = None
    lines: list[str] = []
    for line in text.split("\n") + ["@@ end"]:
        if line.startswith("@@ "):
            if key is not None:
                done[key] = "\n".join(lines).strip("\n")
            key, lines = line[3:].strip(), []
            if key != "end" and not key.isdigit():
                sys.exit(f"{table}: '@@ {key}' is not '@@ <message number>'")
        elif key is None:
            if line.strip():
                sys.exit(f"{table}: text before the first '@@ <message number>' line")
        else:
            lines.append(line)
    return done


def fill(path: Path, table: Path) -> None:
    catalog = _load(path)
    messages = _messages(catalog)
    text = table.read_text(encoding="utf-8")
    done = json.loads(text) if table.suffix == ".json" else _blocks(text, table)
    for key, text in done.items():
        n = int(key)
        if not 0 <= n < len(messages):
            sys.exit(f"{table}: message {n} does not exist ({len(messages)} messages in {path})")
        # gettext (msgfmt -c, and so Weblate) requires a translation to begin and end with a
        # newline exactly when its English does (display math does); the text form drops them.
        text = text.strip("\n")
        if messages[n].id.startswith("\n"):
            text = "\n" + text
        if messages[n].id.endswith("\n"):
            text += "\n"
        messages[n].string = text
        messages[n].flags.discard("fuzzy")
    with path.open("wb") as fh:
        write_po(fh, catalog, width=79, omit_header=False)
    print(f"{path}: {len(done)} messages set", file=sys.stderr)


if __name__ == "__main__":
    if len(sys.argv) >= 3 and sys.argv[1] == "dump":
        dump(Path(sys.argv[2]), "--all" in sys.argv[3:], "--txt" in sys.argv[3:])
    elif len(sys.argv) == 4 and sys.argv[1] == "fill":
        fill(Path(sys.argv[2]), Path(sys.argv[3]))
    else:
        sys.exit(__doc__)
