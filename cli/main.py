"""Entry point of the `qa` console script."""
from __future__ import annotations

import argparse
import sys

from qa import cli as qa_cli


def cmd_eval(args: argparse.Namespace) -> int:
    from eval.harness import main as eval_main

    return eval_main(args.rest, settings=qa_cli.settings_from(args))


def cmd_train(args: argparse.Namespace) -> int:
    from eval.train import main as train_main

    return train_main(args.rest)


def cmd_serve(args: argparse.Namespace) -> int:
    from service.app import serve

    # service.serve keeps uvicorn's access log off: it would print questions (phone numbers…) unmasked
    serve(qa_cli.settings_from(args), host=args.host, port=args.port)
    return 0


def _commands(sub: argparse._SubParsersAction) -> None:
    s = sub.add_parser("eval", help="run the evaluation harness (qa eval --help lists its options)", add_help=False)
    s.set_defaults(func=cmd_eval, rest=[], passthrough=True)
    s = sub.add_parser("train", help="refit the answer scorer (qa train --help lists its options)", add_help=False)
    s.set_defaults(func=cmd_train, rest=[], passthrough=True)
    s = sub.add_parser("serve", help="run the HTTP service")
    s.add_argument("--host")
    s.add_argument("--port", type=int)
    s.set_defaults(func=cmd_serve)


def main(argv: list[str] | None = None) -> int:
    return qa_cli.main(argv, parser=qa_cli.build_parser(_commands))


if __name__ == "__main__":
    sys.exit(main())
