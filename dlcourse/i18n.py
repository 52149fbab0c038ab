r"""The grader's messages in the learner's language (English, or Korean for the 한국어판).

The exercise specs, the judge and the checker keep writing English: hints, statuses and judge
messages stay exactly as they are, and the gradebook's ``status`` column keeps its English
keys. Translation happens when a text is *shown*: :func:`translate` looks the English text up
in the package's gettext catalog, ``dlcourse/locale/<language>/LC_MESSAGES/dlcourse.mo``
(compiled from ``dlcourse.po`` by ``tools/grader_messages.py``), Python's standard
:mod:`gettext` format.

Two kinds of message are in the catalog:

* plain texts (a hint, a case label, a status word), translated when the whole text matches;
* templates, with the context ``template``: an f-string of the judging or display code, with
  each ``{...}`` field written as its expression, ``"expected shape {e.shape}; got shape
  {r.shape}"``. A shown text that matches a template's English (each field matching any text)
  gets the Korean template with the same field values, each of them translated in turn if it is
  itself a message (``"item {i}: {msg}"`` translates ``msg`` too).

The code marks texts it shows with :func:`_` (judging code: returns the text unchanged, a mark
for ``tools/grader_messages.py``) or :func:`tr` (display code: translated into the current
language). Judges' ``return ok, message`` tuples, ``Verdict`` and ``Result`` messages are found
without a mark.

The language, first found of:

1. :func:`using` (a ``with`` block: the batch grader, for one submission), or
   :func:`set_language` (by hand, ``set_language("ko")``);
2. the environment variable ``DLCOURSE_LANGUAGE`` (``ko`` or ``en``);
3. the notebook the kernel runs: its metadata ``dlcourse.language`` (the Korean notebooks have
   ``"ko"``), found through the path Jupyter gives the kernel (``JPY_SESSION_NAME``, IPython's
   ``__session__``, VS Code's ``__vsc_ipynb_file__``);
4. the locale: ``LANGUAGE``, ``LC_ALL``, ``LC_MESSAGES`` or ``LANG`` starting with ``ko``;
5. English.
"""
from __future__ import annotations

import contextlib
import contextvars
import functools
import gettext
import json
import os
import re
import sys
from pathlib import Path
from typing import Iterator

__all__ = ["LANGUAGES", "language", "set_language", "using", "notebook_language", "translate",
           "tr", "_", "LOCALE_DIR", "DOMAIN", "TEMPLATE"]

LANGUAGES = ("en", "ko")  # English is the source language: it needs no catalog
LOCALE_DIR = Path(__file__).resolve().parent / "locale"
DOMAIN = "dlcourse"
TEMPLATE = "template"  # the msgctxt of templates in the catalog

_chosen: str | None = None  # set_language()
_scoped: contextvars.ContextVar[str | None] = contextvars.ContextVar("dlcourse_language",
                                                                     default=None)
_FIELD = re.compile(r"\{([^{}]+)\}")
_MAX_DEPTH = 4  # how deep fields are translated in turn
_MAX_MATCHED = 2000  # longer texts are looked up whole only (a learner's text can be long)


def _normal(lang: str | None) -> str | None:
    """'ko', 'ko_KR.UTF-8', 'KO' -> 'ko'; anything not supported -> None."""
    if not lang:
        return None
    code = re.split(r"[_.@:-]", str(lang).strip().lower(), maxsplit=1)[0]
    return code if code in LANGUAGES else None


def set_language(lang: str | None) -> None:
    """Show the grader's messages in ``lang`` (``"ko"`` or ``"en"``) from now on in this
    process; ``None`` goes back to finding the language (see the module docstring)."""
    global _chosen
    if lang is not None and _normal(lang) is None:
        raise ValueError(f"set_language expects one of {', '.join(LANGUAGES)}; got {lang!r}")
    _chosen = _normal(lang)


@contextlib.contextmanager
def using(lang: str | None) -> Iterator[None]:
    """Within the ``with`` block (this thread only), messages are shown in ``lang``."""
    token = _scoped.set(_normal(lang) or "en")
    try:
        yield
    finally:
        _scoped.reset(token)


def notebook_language(path: str | os.PathLike) -> str | None:
    """The language a notebook file declares in ``metadata.dlcourse.language``, or None."""
    try:
        return _declared(str(path), os.stat(path).st_mtime_ns)
    except OSError:
        return None


@functools.lru_cache(maxsize=64)
def _declared(path: str, mtime_ns: int) -> str | None:
    """(Read once per version of the file: a check shows a few dozen texts.)"""
    try:
        with open(path, encoding="utf-8") as f:
            meta = json.load(f).get("metadata", {})
        return _normal((meta.get("dlcourse") or {}).get("language"))
    except Exception:
        return None


def _kernel_notebook() -> str | None:
    """The path of the notebook this kernel runs, where Jupyter or VS Code tells it."""
    paths = [os.environ.get("JPY_SESSION_NAME")]
    ip = sys.modules.get("IPython")
    shell = ip.get_ipython() if ip is not None and hasattr(ip, "get_ipython") else None
    if shell is not None:
        ns = getattr(shell, "user_ns", {}) or {}
        paths += [ns.get("__session__"), ns.get("__vsc_ipynb_file__")]
    for p in paths:
        if isinstance(p, str) and p.endswith(".ipynb") and os.path.isfile(p):
            return p
    return None


def language() -> str:
    """The language messages are shown in now (see the module docstring for the order)."""
    scoped = _scoped.get()
    if scoped:
        return scoped
    if _chosen:
        return _chosen
    env = _normal(os.environ.get("DLCOURSE_LANGUAGE"))
    if env:
        return env
    nb = _kernel_notebook()
    if nb is not None:
        found = notebook_language(nb)
        if found:
            return found
    for var in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(var)
        if value:
            return _normal(value.split(":")[0]) or "en"
    return "en"


_current = language  # (translate's argument is called ``language`` too)


@functools.lru_cache(maxsize=None)
def _catalog(lang: str) -> tuple[dict[str, str], list[tuple[re.Pattern, str, list[str]]]]:
    """The plain messages and the templates (compiled, most specific first) of a language."""
    if lang == "en":
        return {}, []
    t = gettext.translation(DOMAIN, localedir=str(LOCALE_DIR), languages=[lang], fallback=True)
    raw = getattr(t, "_catalog", {})  # GNUTranslations keeps msgid -> msgstr here
    plain: dict[str, str] = {}
    templates = []
    for key, value in raw.items():
        if not isinstance(key, str) or not key or not value:
            continue
        if key.startswith(TEMPLATE + "\x04"):
            english = key.split("\x04", 1)[1]
            pattern, names = _compile(english)
            literal = len(_FIELD.sub("", english))
            templates.append((literal, pattern, value, names))
        elif "\x04" not in key:
            plain[key] = value
    templates.sort(key=lambda t: -t[0])
    return plain, [(p, v, n) for _, p, v, n in templates]


def _compile(template: str) -> tuple[re.Pattern, list[str]]:
    """A template's English as a regular expression: each field any text, as short as it can
    be (a field that comes twice must match the same text twice)."""
    parts = _FIELD.split(template)
    regex, groups = [], {}
    for i, part in enumerate(parts):
        if i % 2 == 0:
            regex.append(re.escape(part.replace("{{", "{").replace("}}", "}")))
        elif part in groups:
            regex.append(f"(?P={groups[part]})")
        else:
            groups[part] = f"f{len(groups)}"
            # a ``where`` field is empty or starts with a space (" at index (0, 1)", " (item 1)")
            any_text = r"(?:\s.*?)?" if "where" in part else ".+?"
            regex.append(f"(?P<{groups[part]}>{any_text})")
    return re.compile("".join(regex) + r"\Z", re.S), list(groups)


def translate(text: str, language: str | None = None, _depth: int = 0) -> str:
    """``text`` (an English message as the grader shows it) in ``language`` (default: the
    current :func:`language`); unchanged when the catalog has no translation for it."""
    lang = _normal(language) if language is not None else _current()
    if not lang or lang == "en" or not isinstance(text, str) or not text.strip():
        return text
    plain, templates = _catalog(lang)
    if text in plain:
        return plain[text]
    if _depth >= _MAX_DEPTH or len(text) > _MAX_MATCHED:
        return text
    for pattern, target, names in templates:
        m = pattern.match(text)
        if m is None:
            continue
        values = {name: translate(m.group(f"f{i}"), lang, _depth + 1)
                  for i, name in enumerate(names)}
        return _FIELD.sub(lambda f: values.get(f.group(1), f.group(0)), target)
    return text


def tr(text: str) -> str:
    """``text`` in the current language: for display code (``tr(f"{n} points")``)."""
    return translate(text)


def _(text: str) -> str:
    """Marks a text the grader shows, so ``tools/grader_messages.py`` puts it in the catalog;
    returns it unchanged (judging code stays English; it is translated when shown)."""
    return text
