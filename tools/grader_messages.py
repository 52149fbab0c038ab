"""Keep the grader's message catalog (dlcourse/locale/ko/LC_MESSAGES/dlcourse.po + .mo) complete.

Every text that ``check()``, ``score_table()`` and the batch grader's feedback can show is
enumerated here, from two places:

* the exercise objects (``dlcourse.grading.exercises()``): each exercise's title, every
  ``Hint`` text and every case label; and the status words (``judge.STATUSES``);
* the source of the grading code (``dlcourse/grading/*.py``, read with :mod:`ast`, never run):
  texts marked ``_(...)`` or ``tr(...)``; the message of a judge's ``return ok, "..."``; the
  message of ``Verdict(ok, label, "...")`` and ``Result(..., message="...")``; ``{"error":
  "..."}`` outcomes; ``EncodeError("...")``/``PlainDataError("...")``; ``msg = "..."`` and
  ``ok, msg = False, "..."``. An f-string becomes a *template* (msgctxt ``template``) whose
  fields are their expressions: ``f"expected shape {e.shape}; got shape {r.shape}"`` ->
  ``expected shape {e.shape}; got shape {r.shape}``; the translation keeps every ``{field}``
  (see ``dlcourse/i18n.py``).

Usage::

    python tools/grader_messages.py update   # add new messages to dlcourse.po (translations
                                             # kept, obsolete ones dropped), compile dlcourse.mo
    python tools/grader_messages.py check    # exit 1: a message missing from the .po, left
                                             # untranslated or fuzzy, a template that lost a
                                             # field, or a .mo out of step with its .po
    python tools/grader_messages.py compile  # only write dlcourse.mo from dlcourse.po

Translate with ``tools/po_fill.py dump|fill`` or any .po editor, then run ``update``.
``tests/test_i18n.py`` runs ``check``.
"""
from __future__ import annotations

import argparse
import ast
import io
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from dlcourse.i18n import DOMAIN, LOCALE_DIR, TEMPLATE  # noqa: E402

LANGUAGE = "ko"
PO = LOCALE_DIR / LANGUAGE / "LC_MESSAGES" / f"{DOMAIN}.po"
MO = PO.with_suffix(".mo")
SOURCES = ("spec.py", "judge.py", "harvest.py", "checker.py", "gradebook.py", "progress.py",
           "feedback.py", "submission.py", "roster.py", "batch.py", "ch[0-9][0-9].py")
_ERRORS = {"EncodeError", "PlainDataError"}
_FIELD = re.compile(r"\{([^{}]+)\}")
_HANGUL = re.compile(r"[\uac00-\ud7a3]")


# --------------------------------------------------------------------------- the source
def _text(node: ast.AST) -> list[tuple[str, bool]]:
    """The message(s) an expression can evaluate to: (text or template, is_template)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [(node.value, False)]
    if isinstance(node, ast.JoinedStr):
        out, fields = [], False
        for part in node.values:
            if isinstance(part, ast.Constant):
                out.append(str(part.value).replace("{", "{{").replace("}", "}}"))
            else:
                out.append("{" + ast.unparse(part.value) + "}")
                fields = True
        return [("".join(out), fields)]
    if isinstance(node, ast.IfExp):
        return _text(node.body) + _text(node.orelse)
    if isinstance(node, ast.Subscript):  # f"..."[:400]
        return _text(node.value)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left, right = _text(node.left), _text(node.right)
        if len(left) == 1 and len(right) == 1:
            (a, ta), (b, tb) = left[0], right[0]
            if ta != tb:  # a plain part next to a template: escape its braces
                a = a if ta else a.replace("{", "{{").replace("}", "}}")
                b = b if tb else b.replace("{", "{{").replace("}", "}}")
            return [(a + b, ta or tb)]
    return []


def _name(node: ast.AST) -> str:
    return node.id if isinstance(node, ast.Name) else (
        node.attr if isinstance(node, ast.Attribute) else "")


def source_messages(path: Path) -> list[tuple[str, bool]]:
    """The messages shown to a learner that one module's source writes."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: list[tuple[str, bool]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            fn = _name(node.func)
            if fn in ("_", "tr") and len(node.args) == 1:
                found += _text(node.args[0])
            elif fn == "Verdict" and len(node.args) >= 3:
                found += _text(node.args[2])
            elif fn in _ERRORS and node.args:
                found += _text(node.args[0])
            if fn in ("Verdict", "Result"):
                found += [m for kw in node.keywords if kw.arg == "message" for m in _text(kw.value)]
        elif isinstance(node, ast.Return) and isinstance(node.value, ast.Tuple) \
                and len(node.value.elts) == 2:
            found += _text(node.value.elts[1])
        elif isinstance(node, ast.Dict):
            found += [m for k, v in zip(node.keys, node.values)
                      if isinstance(k, ast.Constant) and k.value == "error" for m in _text(v)]
        elif isinstance(node, ast.Assign) and len(node.targets) == 1 \
                and _name(node.targets[0]) in ("msg", "message", "where"):
            found += _text(node.value)
        elif isinstance(node, ast.Assign) and len(node.targets) == 1 \
                and isinstance(node.targets[0], ast.Tuple) and isinstance(node.value, ast.Tuple) \
                and len(node.targets[0].elts) == len(node.value.elts):  # ok, msg = False, "..."
            found += [m for t, v in zip(node.targets[0].elts, node.value.elts)
                      if _name(t) in ("msg", "message") for m in _text(v)]
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            found += _extended(node)
    return found


def _extended(func: ast.AST) -> list[tuple[str, bool]]:
    """``msg = "..."`` then ``msg += "..."`` in one function: the message with its ending."""
    out, last = [], None
    for node in ast.walk(func):
        if isinstance(node, ast.Assign) and len(node.targets) == 1 \
                and _name(node.targets[0]) in ("msg", "message"):
            last = node.value
        elif isinstance(node, ast.AugAssign) and isinstance(node.op, ast.Add) \
                and _name(node.target) in ("msg", "message") and last is not None:
            out += _text(ast.BinOp(left=last, op=ast.Add(), right=node.value))
    return out


def _words(text: str, template: bool) -> bool:
    """Worth translating: some letters outside the fields."""
    rest = _FIELD.sub("", text) if template else text
    return len(re.findall(r"[A-Za-z]", rest)) >= 2


def messages() -> list[tuple[str, str | None, str]]:
    """Every message the grader can show: (msgid, msgctxt (None or 'template'), where)."""
    import glob

    from dlcourse.grading import exercises
    from dlcourse.grading.judge import STATUSES

    out: dict[tuple[str, str | None], str] = {}

    def add(text: str, template: bool, where: str) -> None:
        if text and text.strip() and _words(text, template):
            out.setdefault((text, TEMPLATE if template else None), where)

    for word in STATUSES.values():
        add(word, False, "dlcourse/grading/judge.py:STATUSES")
    for ex in exercises():
        add(ex.title, False, f"{ex.id}:title")
        for h in ex.hints:
            add(h.text, False, f"{ex.id}:hint")
        for case in ex.cases():
            add(case.label, False, f"{ex.id}:label")
    for pattern in SOURCES:
        for name in sorted(glob.glob(str(ROOT / "dlcourse" / "grading" / pattern))):
            rel = Path(name).relative_to(ROOT)
            for text, template in source_messages(Path(name)):
                add(text, template, str(rel))
    return [(text, ctx, where) for (text, ctx), where in out.items()]


# --------------------------------------------------------------------------- the catalog
def _read(path: Path):
    from babel.messages.catalog import Catalog
    from babel.messages.pofile import read_po

    if not path.exists():
        return Catalog(locale=LANGUAGE, domain=DOMAIN, project="dlcourse")
    with open(path, "rb") as f:
        return read_po(f, locale=LANGUAGE, domain=DOMAIN)


def _po_bytes(catalog) -> bytes:
    from babel.messages.pofile import write_po

    buf = io.BytesIO()
    write_po(buf, catalog, width=100, omit_header=False, sort_output=False)
    return buf.getvalue()


def mo_bytes(catalog) -> bytes:
    """The compiled form of a catalog (what ``dlcourse.mo`` must contain)."""
    from babel.messages.mofile import write_mo

    buf = io.BytesIO()
    write_mo(buf, catalog)
    return buf.getvalue()


def update() -> tuple[int, int]:
    """Bring dlcourse.po up to date with :func:`messages` and compile dlcourse.mo. Returns
    (messages added, messages dropped)."""
    from babel.messages.catalog import Catalog

    old = _read(PO)
    new = Catalog(locale=LANGUAGE, domain=DOMAIN, project="dlcourse",
                  creation_date=old.creation_date, revision_date=old.revision_date,
                  fuzzy=False)
    added = 0
    wanted = messages()
    for text, ctx, where in wanted:
        before = old.get(text, context=ctx)
        if before is None:
            added += 1
        comments = [f"{where}"] + (["template: keep every {field} as it is"] if ctx else [])
        new.add(text, before.string if before else "", context=ctx, auto_comments=comments,
                flags=before.flags if before else ())
    keys = {(t, c) for t, c, _ in wanted}
    dropped = sum(1 for m in old if m.id and (m.id, m.context) not in keys)
    PO.parent.mkdir(parents=True, exist_ok=True)
    data = _po_bytes(new)
    if not PO.exists() or PO.read_bytes() != data:
        PO.write_bytes(data)
    compile_mo()
    return added, dropped


def compile_mo() -> None:
    data = mo_bytes(_read(PO))
    if not MO.exists() or MO.read_bytes() != data:
        MO.write_bytes(data)


def problems() -> list[str]:
    """What is wrong with the catalog: one line per problem (empty when all is well)."""
    out = []
    cat = _read(PO)
    have = {(m.id, m.context): m for m in cat if m.id}
    wanted = messages()
    for text, ctx, where in wanted:
        m = have.get((text, ctx))
        if m is None:
            out.append(f"{where}: not in {PO.name} (run tools/grader_messages.py update): {text!r}")
        elif not m.string or m.fuzzy:
            out.append(f"{where}: {'fuzzy' if m.fuzzy else 'untranslated'}: {text!r}")
        else:
            if ctx and sorted(set(_FIELD.findall(text))) != sorted(set(_FIELD.findall(m.string))):
                out.append(f"{where}: the translation must keep the fields "
                           f"{sorted(set(_FIELD.findall(text)))}; it has "
                           f"{sorted(set(_FIELD.findall(m.string)))}: {m.string!r}")
            if not _HANGUL.search(m.string) and m.string != text:  # notation is copied as is
                out.append(f"{where}: the translation has no Korean: {m.string!r}")
    keys = {(t, c) for t, c, _ in wanted}
    out += [f"{PO.name}: obsolete message (run update): {m.id!r}" for m in cat
            if m.id and (m.id, m.context) not in keys]
    if not MO.exists() or MO.read_bytes() != mo_bytes(cat):
        out.append(f"{MO.name} is out of step with {PO.name} "
                   "(run tools/grader_messages.py compile)")
    return out


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description="The grader's Korean message catalog.")
    p.add_argument("command", choices=["update", "check", "compile"])
    args = p.parse_args(argv)
    if args.command == "update":
        added, dropped = update()
        print(f"{PO.relative_to(ROOT)}: {added} new, {dropped} dropped; {MO.name} compiled")
    elif args.command == "compile":
        compile_mo()
    else:
        found = problems()
        for line in found:
            print(line)
        print(f"grader_messages: {len(messages())} messages, {len(found)} problem(s)")
        return 1 if found else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
