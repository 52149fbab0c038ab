"""Check the Korean message catalogs (locales/ko/LC_MESSAGES/**/*.po) against their English text.

For every message of every catalog (or of the catalogs named on the command line):

* it is translated (a non-empty msgstr) and not marked fuzzy;
* it keeps the parts a translation must not change: every math span (``$...$``, ``$$...$$``),
  inline code (`` `...` ``), MyST role (``{cite}`key```; for ``{doc}``/``{ref}``/``{numref}``
  only the target in ``<...>`` must stay, the link text is translated), link target
  (``](url)``), and HTML tag, each as many times as in the English (but the landing page's
  link to the other edition, ``EDITION_LINKS``);
* it reads as Korean: a message whose English has words outside those parts has Hangul in its
  translation.

Usage: python tools/po_check.py [PO ...]     (exit 1 and one line per problem when any)
"""
from __future__ import annotations

import re
import sys
from collections import Counter
from pathlib import Path

from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[1]
CATALOGS = ROOT / "locales" / "ko" / "LC_MESSAGES"

_ROLE = re.compile(r"\{([a-z:-]+)\}`([^`]*)`")
_LINKED_ROLES = {"doc", "ref", "numref", "eq", "term", "download"}
_MATH = re.compile(r"\$\$.+?\$\$|\$[^$\n]+?\$", re.S)
_CODE = re.compile(r"``[^`]+``|`[^`]+`")
_URL = re.compile(r"\]\(([^)\s]+)\)")
_TAG = re.compile(r"</?[a-zA-Z][^>]*>")
_HANGUL = re.compile(r"[\uac00-\ud7a3]")
# The landing page's link to the other edition: the English page (at the site's root) links to
# ko/intro.html, its Korean translation (in ko/) back to ../intro.html. The only tag a
# translation may change, and only into its counterpart.
EDITION_LINKS = {'<a href="../intro.html" hreflang="en" lang="en">':
                 '<a href="ko/intro.html" hreflang="ko" lang="ko">'}


def fixed_parts(text: str) -> Counter:
    """What a translation must keep, with multiplicities."""
    parts: Counter = Counter()

    def role(m: re.Match) -> str:
        name, body = m.group(1), m.group(2)
        target = re.search(r"<([^<>]+)>\s*$", body)
        if name in _LINKED_ROLES:
            parts[f"{{{name}}}<{target.group(1) if target else body}>"] += 1
        else:
            parts[f"{{{name}}}`{body}`"] += 1
        return " "

    rest = _ROLE.sub(role, text)
    for regex, label in ((_MATH, "math"), (_CODE, "code")):
        for m in regex.finditer(rest):
            parts[f"{label}:{m.group(0)}"] += 1
        rest = regex.sub(" ", rest)
    for m in _URL.finditer(rest):
        parts[f"link:{m.group(1)}"] += 1
    for m in _TAG.finditer(rest):
        parts[f"tag:{m.group(0)}"] += 1
    return parts


# A TeX command with its braced arguments: a display-math message (its msgid is the bare TeX,
# without $$) has letters, but no English words to translate.
_TEX = re.compile(r"[_^]\{[^{}]*\}|\\[A-Za-z]+\*?(\{[^{}]*\})*")


def prose_words(text: str) -> bool:
    """Whether the text has English words outside math, code, roles, links and tags.

    A word is three or more lower-case letters: names and acronyms alone ("ResNet", "NAND")
    and bare TeX (``\\frac{\\partial L}{\\partial z}``) stay as they are in Korean.
    """
    rest = _ROLE.sub(" ", text)
    for regex in (_MATH, _CODE, _URL, _TAG, _TEX):
        rest = regex.sub(" ", rest)
    return bool(re.search(r"(?<![A-Za-z])[a-z]{3,}", rest))


def problems(path: Path) -> list[str]:
    with path.open("rb") as fh:
        catalog = read_po(fh)
    rel = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path
    out = []
    for message in catalog:
        if not message.id:
            continue
        msgid, msgstr = message.id, message.string
        where = f"{rel}:{message.lineno}: {msgid[:60]!r}"
        if not msgstr:
            out.append(f"{where}: not translated")
            continue
        if message.fuzzy:
            out.append(f"{where}: marked fuzzy")
        if (msgid.startswith("\n"), msgid.endswith("\n")) != \
                (msgstr.startswith("\n"), msgstr.endswith("\n")):
            out.append(f"{where}: begins or ends with a newline where the English does not, or "
                       "the other way round (msgfmt -c rejects the catalog)")
        translated = msgstr
        for back, forth in EDITION_LINKS.items():
            if forth in msgid:
                translated = translated.replace(back, forth)
        want, got = fixed_parts(msgid), fixed_parts(translated)
        if want != got:
            lost = sorted((want - got).elements())
            added = sorted((got - want).elements())
            out.append(f"{where}: parts changed (lost {lost}, added {added})")
        if prose_words(msgid) and not _HANGUL.search(msgstr):
            out.append(f"{where}: no Korean in the translation")
    return out


def main(argv: list[str]) -> int:
    paths = [Path(a).resolve() for a in argv] or sorted(CATALOGS.rglob("*.po"))
    found = [line for p in paths for line in problems(p)]
    for line in found:
        print(line)
    total = sum(1 for p in paths for m in read_po(p.open("rb")) if m.id)
    print(f"{len(paths)} catalogs, {total} messages, {len(found)} problems", file=sys.stderr)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
