r"""``dlcourse merge PART.csv... --out grades.csv``: join the gradebooks of a sharded run.

``dlcourse grade ... --shard I/N`` writes, next to each gradebook ``OUT``, a manifest
``OUT.manifest.json``::

    {"format": 1, "shard": I, "shards": N, "submissions": [paths of this share],
     "all_submissions": <count before sharding>, "selection_sha256": <hash of the sorted paths>,
     "exercises": <ids graded, or null for all>, "seed": <int or null>}

Share I holds the submissions at positions p (0-based, in the sorted order) with
``p % N == I - 1``, so the merged gradebook puts share I's k-th submission back at position
``k * N + I - 1``: the rows come out in the order a single run writes them. The parts are
refused (exit 2, with a message a teacher can act on) when a manifest is missing, when two parts
hold the same share or the same submission, when a share is missing, or when the parts come
from different runs (another selection, number of shares, exercises or seed).
"""
from __future__ import annotations

import csv
import json
import os
import tempfile
from pathlib import Path
from typing import Sequence

__all__ = ["MergeError", "read_gradebook", "manifest_path", "read_manifest", "merge", "main",
           "write_table"]

OLD_COLUMNS = ["submission", "exercise", "score", "max_score", "status", "feedback"]
NEW_COLUMNS = ["submission", "student", "exercise", "score", "max_score", "status", "feedback"]


class MergeError(Exception):
    """The parts cannot be merged: reported with a message and exit status 2."""


def read_gradebook(path: str | os.PathLike) -> tuple[list[str], list[list[str]]]:
    """The header and rows of a gradebook, with or without the ``student`` column."""
    try:
        with open(path, newline="", encoding="utf-8") as fh:
            table = list(csv.reader(fh))
    except OSError as exc:
        raise MergeError(f"cannot read the gradebook {path}: {exc.strerror or exc}") from None
    if not table or table[0] not in (OLD_COLUMNS, NEW_COLUMNS):
        raise MergeError(f"{path} is not a dlcourse gradebook (its first line should be "
                         f"{','.join(NEW_COLUMNS)})")
    header, rows = table[0], table[1:]
    for i, r in enumerate(rows, start=2):
        if len(r) != len(header):
            raise MergeError(f"{path}, line {i}: {len(r)} fields, expected {len(header)}")
    return header, rows


def manifest_path(gradebook: str | os.PathLike) -> Path:
    """``grades.csv`` -> ``grades.csv.manifest.json`` (or ``grades.manifest.json`` if only that
    one exists)."""
    p = Path(gradebook)
    full = p.with_name(p.name + ".manifest.json")
    short = p.with_suffix(".manifest.json")
    return short if not full.exists() and short.exists() else full


def read_manifest(gradebook: str | os.PathLike) -> dict:
    mp = manifest_path(gradebook)
    try:
        man = json.loads(mp.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise MergeError(f"{gradebook} has no manifest {mp.name} next to it: was it written by "
                         "'dlcourse grade --shard I/N'? Copy the manifest along with the "
                         "gradebook") from None
    except (OSError, ValueError) as exc:
        raise MergeError(f"cannot read the manifest {mp}: {exc}") from None
    keys = ("format", "shard", "shards", "submissions", "all_submissions", "selection_sha256")
    if not isinstance(man, dict) or any(k not in man for k in keys) or man["format"] != 1:
        raise MergeError(f"{mp} is not a format-1 dlcourse manifest")
    return man


def _check_same_run(parts: list[tuple[str, dict]]) -> int:
    first_path, first = parts[0]
    for path, man in parts[1:]:
        for key, what in (("selection_sha256", "a different set of submissions"),
                          ("shards", "a different number of shares"),
                          ("all_submissions", "a different number of submissions"),
                          ("exercises", "a different --exercise selection"),
                          ("seed", "a different --seed")):
            if man.get(key) != first.get(key):
                raise MergeError(
                    f"{path} and {first_path} come from different runs ({what}: "
                    f"{man.get(key)!r} against {first.get(key)!r}); merge only the shares of "
                    "one 'dlcourse grade --shard I/N' run")
    return int(first["shards"])


def _check_shares(parts: list[tuple[str, dict]], n: int) -> None:
    seen: dict[int, str] = {}
    owner: dict[str, str] = {}
    for path, man in parts:
        i = man["shard"]
        if not isinstance(i, int) or not 1 <= i <= n:
            raise MergeError(f"{path}: share {i!r} is not between 1 and {n}")
        if i in seen:
            raise MergeError(f"{path} and {seen[i]} are both share {i}/{n} (overlapping "
                             "shares): give each share once")
        seen[i] = path
        for s in man["submissions"]:
            if s in owner:
                raise MergeError(f"{path} and {owner[s]} both hold the submission {s} "
                                 "(overlapping shares)")
            owner[s] = path
    missing = sorted(set(range(1, n + 1)) - set(seen))
    if missing:
        listed = ", ".join(f"{i}/{n}" for i in missing)
        raise MergeError(f"missing share(s) {listed}: grade them with 'dlcourse grade ... "
                         f"--shard I/{n}' and merge all {n} parts")
    total = sum(len(m["submissions"]) for _, m in parts)
    if total != parts[0][1]["all_submissions"]:
        raise MergeError(f"the shares hold {total} submissions, the run had "
                         f"{parts[0][1]['all_submissions']}")


def merge(parts: Sequence[str | os.PathLike], out: str | os.PathLike | None = None
          ) -> tuple[list[str], list[list[str]]]:
    """Merge shard gradebooks; return (header, rows) and write them to ``out`` when given."""
    if not parts:
        raise MergeError("no gradebooks given")
    loaded = [(str(p), read_manifest(p), *read_gradebook(p)) for p in parts]
    mans = [(p, m) for p, m, _, _ in loaded]
    n = _check_same_run(mans)
    _check_shares(mans, n)
    headers = {tuple(h) for _, _, h, _ in loaded}
    if len(headers) > 1:
        raise MergeError("the parts have different columns (some with 'student', some without): "
                         "grade all shares with the same dlcourse version")
    header = loaded[0][2]
    order: dict[str, int] = {}
    by_sub: dict[str, list[list[str]]] = {}
    for path, man, _, rows in loaded:
        for k, s in enumerate(man["submissions"]):
            order[s] = k * n + man["shard"] - 1
        for r in rows:
            if r[0] not in man["submissions"]:
                raise MergeError(f"{path} has rows for {r[0]}, which its manifest does not "
                                 "list: the gradebook and its manifest do not belong together")
            by_sub.setdefault(r[0], []).append(r)
    rows = [r for s in sorted(order, key=order.__getitem__) for r in by_sub.get(s, [])]
    if out is not None:
        write_table(header, rows, out)
        full = sorted(order, key=order.__getitem__)
        first = mans[0][1]
        man = {**first, "shard": 1, "shards": 1, "submissions": full}
        manifest_path(out).write_text(json.dumps(man, indent=1) + "\n", encoding="utf-8")
    return header, rows


def write_table(header: Sequence[str], rows: Sequence[Sequence[str]],
                out: str | os.PathLike) -> None:
    """Write a CSV atomically (a temporary file in the same folder, then os.replace), with the
    same dialect the grader's gradebook uses."""
    out_p = Path(out)
    if not out_p.resolve().parent.is_dir():
        raise MergeError(f"the folder for --out does not exist: {out_p.resolve().parent}")
    fd, tmp = tempfile.mkstemp(prefix=".merge-", suffix=".csv", dir=str(out_p.resolve().parent))
    try:
        with os.fdopen(fd, "w", newline="", encoding="utf-8") as fh:
            wr = csv.writer(fh)
            wr.writerow(header)
            wr.writerows(rows)
        os.replace(tmp, out_p)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def main(argv: Sequence[str]) -> int:
    import argparse
    import sys

    p = argparse.ArgumentParser(
        prog="dlcourse merge",
        description="Join the gradebooks of 'dlcourse grade --shard I/N' into one, in the order "
                    "a single run writes. Each part needs its PART.csv.manifest.json.")
    p.add_argument("parts", nargs="+", help="the shares' gradebooks (CSV)")
    p.add_argument("--out", required=True, help="the merged gradebook to write")
    try:
        args = p.parse_args(list(argv))
    except SystemExit as exc:
        return int(exc.code or 0)
    if any(Path(x).resolve() == Path(args.out).resolve() for x in args.parts):
        print(f"dlcourse merge: --out {args.out} is one of the parts; refusing to overwrite it",
              file=sys.stderr)
        return 2
    try:
        _, rows = merge(args.parts, args.out)
    except MergeError as exc:
        print(f"dlcourse merge: {exc}", file=sys.stderr)
        return 2
    print(f"Merged {len(args.parts)} part(s), {len(rows)} row(s), into {args.out}")
    return 0
