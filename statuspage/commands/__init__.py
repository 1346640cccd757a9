"""One module per CLI command; each exposes `add_parser(subparsers)` and a `run(args)`.

`statuspage.cli` finds them: a module here that defines both is a command.
"""
