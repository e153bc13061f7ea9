"""The ``kg`` command line. Each command group lives in its own module and is
registered here; shared options are in ``kg.cli.options``.

SIGTERM and SIGHUP (what systemd, Docker, Kubernetes and a closed terminal send)
end a command the way Ctrl-C does: by an exception, so every ``with`` block runs
and the store's lease is given up — the last process to leave stops the embedded
server instead of orphaning it. The exit code is then 128 + the signal number.
"""
from __future__ import annotations

import importlib
import signal
import threading

import click

from kg import __version__
from kg.cli.options import EXIT_CODES_HELP, terminate

# Modules that define commands; each exposes COMMANDS, a list of click commands.
COMMAND_MODULES = (
    "kg.cli.extract",
    "kg.cli.graph",
    "kg.cli.ingest",
    "kg.cli.serve",
    "kg.cli.export",
    "kg.cli.store",
    "kg.cli.curate",
)


class KgGroup(click.Group):
    def invoke(self, ctx: click.Context):
        # handlers can only be set from the main thread (an embedding program may
        # run a command from another; the signals then stay its business)
        main_thread = threading.current_thread() is threading.main_thread()
        previous = {signum: signal.signal(signum, terminate)
                    for signum in (signal.SIGTERM, signal.SIGHUP)} if main_thread else {}
        try:
            return super().invoke(ctx)
        except KeyboardInterrupt:  # click would make it "Aborted!" and exit 1
            click.echo("interrupted", err=True)
            raise SystemExit(128 + signal.SIGINT) from None
        finally:  # an embedding program (a test runner) gets its own handlers back
            for signum, handler in previous.items():
                signal.signal(signum, handler)


@click.group(cls=KgGroup, context_settings={"help_option_names": ["-h", "--help"]},
             epilog=EXIT_CODES_HELP)
@click.version_option(__version__, prog_name="kg")
def main() -> None:
    """mlkg: a knowledge graph of ML papers, libraries, organizations,
    architectures, datasets and people."""


for _name in COMMAND_MODULES:
    for _command in importlib.import_module(_name).COMMANDS:
        main.add_command(_command)
