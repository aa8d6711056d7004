"""`spamline evidence export|verify`: takedown packages (WACZ) and their verification."""
from __future__ import annotations

import dataclasses
from pathlib import Path

import click

from spamline.cli.common import (
    existing_data_dir_option,
    json_option,
    print_json_lines,
    reading_store,
    store_option,
)
from spamline.datadir import DataDir


@click.group()
def evidence() -> None:
    """Takedown evidence: export archived pages as a WACZ package, verify a package."""


@evidence.command()
@click.option("--number", help="Pages showing this number (any format).")
@click.option("--brand", help="Pages claiming this brand.")
@click.option("--network", "network_id", help="Pages of this network id (see `spamline networks`).")
@click.option("--domain", help="Pages on this host name.")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False),
              help="The package to write, FILE.wacz.")
@click.option("--screenshots", is_flag=True,
              help="Add a PNG of each HTML page, rendered offline from the archived payload "
                   "with Debian's chromium (skipped with a note when it is not installed).")
@click.option("--title", help="Title of the package and its report.")
@existing_data_dir_option
@store_option
@json_option
def export(number: str | None, brand: str | None, network_id: str | None, domain: str | None,
           output: str, screenshots: bool, title: str | None, data_dir: DataDir,
           store_url: str | None, as_json: bool) -> None:
    """Write a WACZ package (WARC records, CDXJ, pages, report.html, urls.csv) for one selector.

    Example: spamline evidence export --number "400 812 3456" -o acme.wacz
    """
    from spamline.evidence.package import ExportError, export_package
    selectors = {"number": number, "brand": brand, "network": network_id, "domain": domain}
    chosen = {k: v for k, v in selectors.items() if v}
    if len(chosen) != 1:
        raise click.UsageError("give exactly one of --number, --brand, --network or --domain")
    (kind, value), = chosen.items()
    with reading_store(store_url, data_dir) as store:
        captures = store.captures(number=number, brand=brand, network_id=network_id,
                                  domain=domain)
    try:
        result = export_package(
            captures, data_dir.warcs, Path(output).expanduser(),
            selection=f"{kind} {value}", title=title, screenshots=screenshots,
            progress=None if as_json else lambda msg: click.echo(msg, err=True))
    except ExportError as exc:
        raise click.ClickException(str(exc)) from exc
    for line in result.notes + [f"skipped {s}" for s in result.skipped]:
        click.echo(line, err=True)
    if as_json:
        row = dataclasses.asdict(result)
        row["path"] = str(result.path)
        print_json_lines([row])
    else:
        click.echo(f"wrote {result.path}: {result.pages} pages, {result.records} WARC records, "
                   f"{result.screenshots} screenshots; check it with "
                   f"`spamline evidence verify {result.path}`")


@evidence.command()
@click.argument("package", type=click.Path(exists=True, dir_okay=False))
@click.option("--data-dir", "data_dir", default=None, envvar="SPAMLINE_DATA_DIR",
              help="Accepted like on every command, but unused: a package stands alone.")
@json_option
def verify(package: str, data_dir: str | None, as_json: bool) -> None:
    """Recompute every digest in PACKAGE.wacz; exit 1 naming whatever changed.

    Example: spamline evidence verify acme.wacz
    """
    from spamline.evidence.verify import verify_package

    result = verify_package(package)
    if as_json:
        print_json_lines([{"path": str(result.path), "ok": result.ok, "problems": result.problems,
                           "files": result.files, "records": result.records,
                           "index_lines": result.index_lines, "pages": result.pages}])
    if not result.ok:
        if not as_json:
            for problem in result.problems:
                click.echo(problem, err=True)
        raise click.ClickException(
            f"{package}: {len(result.problems)} problem(s); the package is not as exported. "
            "Do not file it; export a fresh package from the archive.")
    if not as_json:
        click.echo(result.summary())
