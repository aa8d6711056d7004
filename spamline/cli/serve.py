"""`spamline serve`: the web app and JSON API over the data dir's store."""
from __future__ import annotations

import ipaddress
import os
import socket

import click

from spamline.cli.common import existing_data_dir_option, store_option
from spamline.datadir import DataDir
from spamline.store import StoreUnavailable


@click.command()
@existing_data_dir_option
@store_option
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True)
@click.option("--trust-proxy", "proxies", multiple=True, metavar="ADDRESS",
              callback=lambda ctx, param, value: [_proxy_address(v) for v in value],
              help="A reverse proxy in front of the app (IP address or network, repeatable): "
                   "its X-Forwarded-For and X-Forwarded-Proto name the client's address (the "
                   "sign-in limit) and scheme. Without it they are ignored.")
def serve(data_dir: DataDir, store_url: str | None, host: str, port: int,
          proxies: list[str]) -> None:
    """Serve the web UI and the JSON API (described at /openapi.json).

    Sign in with a token from `spamline user add`. Behind an https proxy, pass its address with
    --trust-proxy, so the app knows its pages are served over https.
    """
    import uvicorn

    from spamline.web import create_app

    read_only = not os.access(data_dir.root, os.W_OK)
    try:
        app = create_app(data_dir, store_url, read_only=read_only, trusted_proxies=proxies)
    except (StoreUnavailable, ValueError) as exc:  # AuthError is a ValueError
        raise click.ClickException(str(exc)) from exc
    if read_only:
        click.echo(f"{data_dir.root} is read-only: serving it read-only (sign-ins last until "
                   "the server stops; evidence packages cannot be made here)", err=True)
    if not app.state.users.list():
        click.echo("no users yet: create one with `spamline user add NAME --role analyst` "
                   "and sign in with the token it prints", err=True)
    listener = bind(host, port)
    click.echo(f"serving {data_dir.root} on http://{host}:{port}/ "
               "(API described at /openapi.json)", err=True)
    config = uvicorn.Config(app, host=host, port=port, log_level="info", proxy_headers=False)
    uvicorn.Server(config).run(sockets=[listener])


def _proxy_address(value: str) -> str:
    try:
        return str(ipaddress.ip_network(value.strip(), strict=False))
    except ValueError:
        raise click.BadParameter(f"{value!r} is not an IP address or network (such as 10.0.0.5 "
                                 "or 10.0.0.0/24)", param_hint="--trust-proxy") from None


def bind(host: str, port: int) -> socket.socket:
    """The listening socket, bound before anything says "serving"; a busy port is a clear error."""
    try:
        family = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0][0]
        listener = socket.socket(family, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind((host, port))
    except OSError as exc:
        raise click.ClickException(
            f"cannot listen on {host}:{port}: {exc.strerror or exc}. Another program may be using "
            "the port: pick another with --port, or check --host.") from exc
    return listener
