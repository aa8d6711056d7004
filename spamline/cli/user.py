"""`spamline user add|list|remove`: who may use the web app and API."""
from __future__ import annotations

import click

from spamline.cli.common import data_dir_option, json_option, print_json_lines
from spamline.datadir import DataDir
from spamline.web.auth import ROLES, AuthError, Users


@click.group()
def user() -> None:
    """Manage web/API users and their tokens."""


@user.command("add")
@click.argument("name")
@data_dir_option
@click.option("--role", type=click.Choice(ROLES), required=True,
              help="analyst: sees everything; brand-owner: only their brands' data.")
@click.option("--brand", "brands", multiple=True, help="A brand the user owns (repeatable).")
@json_option
def add(name: str, data_dir: DataDir, role: str, brands: tuple[str, ...], as_json: bool) -> None:
    """Create a user and print its API token (shown only this once)."""
    try:
        token = Users.of(data_dir).add(name, role, brands)
    except AuthError as exc:
        raise click.ClickException(str(exc)) from exc
    if as_json:
        print_json_lines([{"name": name, "role": role, "brands": list(brands), "token": token}])
        return
    click.echo(token)
    click.echo(f"created {role} {name!r}; keep this token now, it is stored only as a hash. "
               "Use it as `Authorization: Bearer <token>` or on the sign-in page.", err=True)


@user.command("list")
@data_dir_option
@json_option
def list_users(data_dir: DataDir, as_json: bool) -> None:
    """List users, their roles and brands (never tokens)."""
    users = Users.of(data_dir).list()
    if as_json:
        print_json_lines({"name": u.name, "role": u.role, "brands": list(u.brands)} for u in users)
        return
    if not users:
        click.echo("no users; create one with `spamline user add NAME --role analyst`", err=True)
    for u in users:
        click.echo(f"{u.name}\t{u.role}\t{', '.join(u.brands)}")


@user.command("remove")
@click.argument("name")
@data_dir_option
def remove(name: str, data_dir: DataDir) -> None:
    """Delete a user; their token and sessions stop working at once."""
    try:
        Users.of(data_dir).remove(name)
    except AuthError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"removed {name}", err=True)
