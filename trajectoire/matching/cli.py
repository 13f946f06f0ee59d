"""Command line: JSON lines in, JSON lines out, one output line per input line, in the same order.

    python -m trajectoire.matching recommend [--data-dir DIR] [--ranker FILE.npz|none] --profiles FILE.jsonl [--top 10]
    python -m trajectoire.matching extract   [--data-dir DIR] --texts FILE.jsonl [--top 5]
    python -m trajectoire.matching train-ranker [--data-dir DIR] [--out FILE.npz]   (development, scikit-learn)

A profile line holds `skills`, `current_occupations`, `riasec`, `exclude` and the person's own `wishes` (text),
`avoid_contexts` (ROME work-context codes) and `distance` (proche, equilibre, reconversion); see docs/matching.md.
`-` reads standard input. Errors go to standard error in French then English, with the line number, and the
exit status is non-zero; no traceback is ever shown. Choices:
- an unreadable JSON line, a line that is not an object, a missing or non-string text, a malformed profile:
  the command stops at that line (exit status 2) after writing the lines before it;
- unknown skill or occupation codes in a profile: reported on standard error and ignored (exit status 0),
  because a referential update can retire codes that older profiles still hold;
- an empty text or a profile with no known code: an empty result, which is the honest answer.
"""

import argparse
import json
import sys
from collections.abc import Callable, Iterator
from typing import TextIO

from trajectoire.matching.loader import DataError

EXIT_BAD_INPUT = 2
EXIT_BAD_DATA = 3
MAX_LINE_CHARS = 1_000_000


# The loader words every defect it knows as DataError; the others are a last net so that a data folder it
# did not foresee still ends with one line and exit status 3, never a traceback.
BAD_DATA_ERRORS = (DataError, OSError, EOFError, UnicodeDecodeError, ValueError, LookupError)


class InputError(Exception):
    pass


def _bad_data(err: TextIO, exc: Exception) -> int:
    message = " ".join(str(exc).split()) or exc.__class__.__name__
    err.write(f"données ROME illisibles / unreadable ROME data: {message}\n")
    return EXIT_BAD_DATA


def _lines(stream: TextIO) -> Iterator[tuple[int, str]]:
    for number, line in enumerate(stream, start=1):
        if line.strip():
            yield number, line


def _parse(number: int, line: str) -> dict:
    if len(line) > MAX_LINE_CHARS:
        raise InputError(f"ligne {number} : trop longue / line {number}: too long (max {MAX_LINE_CHARS} characters)")
    try:
        obj = json.loads(line)
    except (json.JSONDecodeError, RecursionError) as exc:
        msg = exc.msg if isinstance(exc, json.JSONDecodeError) else "nesting too deep"
        raise InputError(f"ligne {number} : JSON illisible / line {number}: unreadable JSON ({msg})") from None
    if not isinstance(obj, dict):
        raise InputError(f"ligne {number} : un objet JSON est attendu / line {number}: a JSON object is expected")
    return obj


def _open(path: str) -> TextIO:
    try:
        return open(path, encoding="utf-8")  # closed by the caller (with-block in main)
    except OSError as exc:
        raise InputError(f"fichier illisible : {path} / cannot read file: {path} ({exc.strerror})") from None


def _run_extract(engine, stream: TextIO, out: TextIO, top: int) -> None:
    for number, line in _lines(stream):
        obj = _parse(number, line)
        text = obj.get("text")
        if not isinstance(text, str):
            raise InputError(
                f"ligne {number} : « text » doit être une chaîne / line {number}: 'text' must be a string"
            )
        result = {"id": obj.get("id"), **engine.extract(text, top=top).to_dict()}
        out.write(json.dumps(result, ensure_ascii=False) + "\n")


def _run_recommend(engine, stream: TextIO, out: TextIO, err: TextIO, top: int) -> None:
    from trajectoire.matching.engine import Profile, ProfileError

    for number, line in _lines(stream):
        obj = _parse(number, line)
        ident = obj.pop("id", None)
        try:
            profile = Profile.from_mapping(obj)
        except ProfileError as exc:
            raise InputError(f"ligne {number} : {exc} / line {number}") from None
        result = engine.recommend(profile, top=top)
        if result.unknown_codes:
            codes = ", ".join(result.unknown_codes[:20]) + (" ..." if len(result.unknown_codes) > 20 else "")
            err.write(f"ligne {number} : codes inconnus ignorés / line {number}: unknown codes ignored: {codes}\n")
        out.write(json.dumps({"id": ident, **result.to_dict()}, ensure_ascii=False) + "\n")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m trajectoire.matching",
        description="Moteur de correspondance ROME (JSON lines) / ROME matching engine (JSON lines).",
    )
    sub = parser.add_subparsers(dest="command", required=True)
    rec = sub.add_parser("recommend", help="pistes de transition / transition suggestions")
    rec.add_argument("--profiles", required=True, help="fichier JSONL de profils, - pour l'entrée standard")
    rec.add_argument("--top", type=int, default=10)
    rec.add_argument("--data-dir", default=None, help="dossier ROME (défaut : données livrées)")
    rec.add_argument(
        "--ranker",
        default="shipped",
        help="modèle .npz entraîné sur ces données (train-ranker --data-dir ... --out ...), ou « none » pour "
        "le classement linéaire (défaut : le modèle livré s'il a appris de ces données)",
    )
    ext = sub.add_parser("extract", help="compétences et métiers d'un texte / skills and occupations of a text")
    ext.add_argument("--texts", required=True, help="fichier JSONL de textes, - pour l'entrée standard")
    ext.add_argument("--top", type=int, default=5)
    ext.add_argument("--data-dir", default=None, help="dossier ROME (défaut : données livrées)")
    tr = sub.add_parser("train-ranker", help="réentraîne le classement appris / retrains the learned ranker")
    tr.add_argument("--data-dir", default=None, help="dossier ROME (défaut : données livrées)")
    tr.add_argument("--out", default=None, help="fichier .npz écrit (défaut : le modèle livré)")
    tr.add_argument("--folds", type=int, default=5)
    tr.add_argument("--seed", type=int, default=42)
    return parser


def _train_ranker(args, out: TextIO, err: TextIO) -> int:
    from trajectoire.matching.engine import Engine
    from trajectoire.matching.ranker import DEFAULT_MODEL
    from trajectoire.matching.training import NO_SKLEARN, train_shipped

    if args.folds < 2:
        err.write("--folds doit valoir au moins 2 / --folds must be at least 2\n")
        return EXIT_BAD_INPUT
    try:
        import sklearn  # noqa: F401  (checked before the 15 s of query building)
    except ImportError:
        err.write(f"{NO_SKLEARN}\n")
        return EXIT_BAD_DATA
    try:
        engine = Engine.from_dir(args.data_dir, ranker=None)
    except BAD_DATA_ERRORS as exc:
        return _bad_data(err, exc)
    try:
        model = train_shipped(engine, args.folds, args.seed)
    except RuntimeError as exc:
        err.write(f"{exc}\n")
        return EXIT_BAD_DATA
    path = args.out or DEFAULT_MODEL
    model.save(path)
    trees = {
        "trees_with_current": int(model.with_current.roots.size),
        "trees_skills_only": int(model.skills_only.roots.size),
    }
    out.write(json.dumps({"model": str(path), **trees, **model.meta}, ensure_ascii=False))
    out.write("\n")
    return 0


def _warner(err: TextIO) -> Callable[[str], None]:
    """The engine's once-only notices (e.g. a ranker trained on other data) as one stderr line each."""

    def warn(message: str) -> None:
        err.write(f"attention : {message}\n")

    return warn


def main(
    argv: list[str] | None = None,
    *,
    stdout: TextIO | None = None,
    stderr: TextIO | None = None,
    stdin: TextIO | None = None,
    engine=None,
) -> int:
    """Run the command; `engine` lets tests and batch callers reuse an already loaded engine."""
    out = stdout or sys.stdout
    err = stderr or sys.stderr
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse already printed its usage message
        return int(exc.code or 0)
    if args.command == "train-ranker":
        return _train_ranker(args, out, err)
    if not 0 <= args.top <= 200:
        err.write("--top doit être entre 0 et 200 / --top must be between 0 and 200\n")
        return EXIT_BAD_INPUT
    from trajectoire.matching.engine import Engine

    source = args.profiles if args.command == "recommend" else args.texts
    try:
        stream = (stdin or sys.stdin) if source == "-" else _open(source)
    except InputError as exc:
        err.write(f"{exc}\n")
        return EXIT_BAD_INPUT
    if engine is None:
        from trajectoire.matching.ranker import RankerMismatch

        ranker = getattr(args, "ranker", "shipped")
        try:
            engine = Engine.from_dir(
                args.data_dir,
                ranker=None if ranker.lower() == "none" else ranker,
                notify=_warner(err),
            )
        except RankerMismatch as exc:
            err.write(f"{exc}\n")
            return EXIT_BAD_INPUT
        except BAD_DATA_ERRORS as exc:
            return _bad_data(err, exc)
        for warning in engine.data.warnings:
            err.write(f"attention : {warning}\n")
    try:
        with _NoClose(stream) if source == "-" else stream as s:
            if args.command == "recommend":
                _run_recommend(engine, s, out, err, args.top)
            else:
                _run_extract(engine, s, out, args.top)
    except InputError as exc:
        err.write(f"{exc}\n")
        return EXIT_BAD_INPUT
    except UnicodeDecodeError:
        err.write("entrée non UTF-8 / input is not UTF-8\n")
        return EXIT_BAD_INPUT
    except BrokenPipeError:
        return 0
    out.flush()
    return 0


class _NoClose:
    def __init__(self, stream: TextIO) -> None:
        self.stream = stream

    def __enter__(self) -> TextIO:
        return self.stream

    def __exit__(self, *exc) -> None:
        return None
