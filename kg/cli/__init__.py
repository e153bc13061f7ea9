"""The ``kg`` command line. Each command group lives in its own module and is
registered here; shared options are in ``kg.cli.options``."""
from __future__ import annotations

import importlib

import click

from kg import __version__

# Modules that define commands; each exposes COMMANDS, a list of click commands.
COMMAND_MODULES = (
    "kg.cli.extract",
    "kg.cli.graph",
    "kg.cli.ingest",
    "kg.cli.serve",
    "kg.cli.export",
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="kg")
def main() -> None:
    """mlkg: a knowledge graph of ML papers, libraries, organizations,
    architectures, datasets and people."""


for _name in COMMAND_MODULES:
    for _command in importlib.import_module(_name).COMMANDS:
        main.add_command(_command)
