"""``kg serve``: run the HTTP API and web page with uvicorn."""
from __future__ import annotations

import signal

import click

from kg.cli.options import Terminated, handle_errors, open_store_from_cli, store_option


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Interface to listen on (0.0.0.0 for every interface).")
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--api-key", "api_keys", multiple=True, metavar="KEY",
              help="Accept KEY (or NAME:KEY; the name is recorded as a curation's author) "
                   "for write/admin routes (POST /cypher, /ingest, /curation/*); adds to "
                   "MLKG_API_KEYS.")
@click.option("--public-read", is_flag=True, envvar="MLKG_PUBLIC_READ",
              help="Let anyone read GET /metrics and run POST /queries/{name} without an "
                   "API key (the other read routes are always open).")
@click.option("--log-level", default="info", show_default=True,
              type=click.Choice(["critical", "error", "warning", "info", "debug"]))
@store_option
@handle_errors
def serve(host: str, port: int, api_keys: tuple[str, ...], public_read: bool,
          log_level: str, store_spec: str | None) -> None:
    """Serve the API (docs at /docs) and the web page (at /) over the store."""
    import uvicorn

    from api.app import create_app
    from api.settings import Settings
    settings = Settings.from_env(store=store_spec, public_read=public_read or None)
    if api_keys:
        settings = settings.model_copy(update={"api_keys": settings.api_keys + api_keys})
    store = open_store_from_cli(settings.store)  # a missing store is an error here too
    try:
        app = create_app(settings, store=store)
        click.echo(f"mlkg API on http://{host}:{port}/ (docs: /docs) over "
                   f"{store.backend} store", err=True)
        # uvicorn turns SIGINT/SIGTERM into a graceful shutdown; SIGHUP too, here
        signal.signal(signal.SIGHUP, lambda *_: signal.raise_signal(signal.SIGTERM))
        uvicorn.run(app, host=host, port=port, log_level=log_level)
    except (Terminated, KeyboardInterrupt):  # uvicorn re-raises the signal it handled
        click.echo("mlkg API stopped", err=True)
    finally:
        store.close()  # gives up the lease: the last process on the store stops its server


COMMANDS = [serve]
