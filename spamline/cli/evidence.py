"""`spamline evidence export|verify`: takedown packages (WACZ) and their verification."""
from __future__ import annotations

import dataclasses
from pathlib import Path

import click

from spamline.cli.common import data_dir_option, json_option, print_json_lines, store_option
from spamline.datadir import DataDir


@click.group()
def evidence() -> None:
    """Takedown evidence: export archived pages as a WACZ package, verify a package."""


@evidence.command()
@click.option("--number", help="Pages showing this number (any format).")
@click.option("--brand", help="Pages claiming this brand and giving it a number it does not own.")
@click.option("--network", "network_id", help="Pages of this network id (see `spamline networks`).")
@click.option("--domain", help="Pages on this host name.")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False),
              help="The package to write, FILE.wacz.")
@click.option("--screenshots", is_flag=True,
              help="Add a PNG of each HTML page, rendered offline from the archived payload "
                   "with Debian's chromium (skipped with a note when it is not installed).")
@click.option("--title", help="Title of the package and its report.")
@click.option("--rdap", is_flag=True,
              help="Look up abuse contacts over RDAP (registrar of each host's domain, network "
                   "owner of each server IP) for the takedown notices; recorded in the package.")
@click.option("--rdap-url", envvar="SPAMLINE_RDAP_URL", metavar="URL",
              help="Send every RDAP query to this service (default: the one IANA's bootstrap "
                   "names for each domain and address).")
@click.option("--by", "made_by", help="Who makes the package, as the summary names it "
                                     "(default: local user@host).")
@data_dir_option
@store_option
@json_option
def export(number: str | None, brand: str | None, network_id: str | None, domain: str | None,
           output: str, screenshots: bool, title: str | None, rdap: bool, rdap_url: str | None,
           made_by: str | None, data_dir: DataDir, store_url: str | None, as_json: bool) -> None:
    """Write a WACZ package (WARC records, CDXJ, pages, report.html, urls.csv) for one selector.

    Example: spamline evidence export --number "400 812 3456" -o acme.wacz
    """
    from spamline.evidence.package import ExportError, export_package
    from spamline.evidence.scope import Scope, known_hubs
    from spamline.evidence.summary import ExportContext, default_maker
    from spamline.jobs.recheck import page_states
    from spamline.store import StoreUnavailable, open_store

    selectors = {"number": number, "brand": brand, "network": network_id, "domain": domain}
    chosen = {k: v for k, v in selectors.items() if v}
    if len(chosen) != 1:
        raise click.UsageError("give exactly one of --number, --brand, --network or --domain")
    (kind, value), = chosen.items()
    try:
        with open_store(store_url, data_dir) as store:
            captures = store.captures(number=number, brand=brand, network_id=network_id,
                                      domain=domain)
            scope = Scope.of(kind, value, store.brands(), known_hubs(data_dir.root))
            captures, left_out = scope.select(captures)
            states = page_states(store, (c.url for c in captures))
    except (StoreUnavailable, ValueError) as exc:
        raise click.ClickException(f"cannot read the store: {exc}. Check --store / --data-dir.") from exc
    if scope.brand is not None and not scope.registered:
        click.echo(f"note: {value!r} is not registered, so every number counts as not official; "
                   f"register it with `spamline brand add {value} --official NUMBER`", err=True)
    if left_out:
        click.echo(f"left out {len(left_out)} page(s) showing only official numbers of "
                   f"{scope.brand.name if scope.brand else value}", err=True)
    if scope.brand is not None and left_out and not captures:
        raise click.ClickException(
            f"every page claiming {scope.brand.name} shows only its official numbers; there is "
            "nothing to take down (check its numbers with `spamline brand list`)")
    context = ExportContext(scope, states, left_out, made_by or default_maker())
    if rdap or rdap_url:
        context.lookups = _look_up(captures, rdap_url, quiet=as_json)
    try:
        result = export_package(
            captures, data_dir.warcs, Path(output).expanduser(),
            selection=scope.selection, title=title, screenshots=screenshots,
            progress=None if as_json else lambda msg: click.echo(msg, err=True), context=context)
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


def _look_up(captures: list, rdap_url: str | None, quiet: bool) -> list:
    """RDAP lookups for the hosts and server IPs of the captures, each said on stderr."""
    from spamline.evidence.rdap import RdapClient

    client = RdapClient(rdap_url)
    lookups = [client.domain(h) for h in sorted({c.domain for c in captures})]
    lookups += [client.ip(ip) for ip in sorted({c.ip_address for c in captures if c.ip_address})]
    if not quiet:
        for lookup in lookups:
            click.echo(f"rdap: {lookup.described}", err=True)
    return lookups


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


@evidence.command()
@click.argument("package", type=click.Path(exists=True, dir_okay=False))
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False),
              help="OUT.html (the report as packaged) or OUT.pdf (printed by headless chromium).")
@click.option("--data-dir", "data_dir", default=None, envvar="SPAMLINE_DATA_DIR",
              help="Accepted like on every command, but unused: a package stands alone.")
def report(package: str, output: str, data_dir: str | None) -> None:
    """Write the report of PACKAGE.wacz outside the package, as HTML or PDF.

    Example: spamline evidence report acme.wacz -o acme.pdf
    """
    from spamline.evidence.chromium import BrowserError
    from spamline.evidence.printout import PrintoutError, write_report

    out = Path(output).expanduser()
    if out.suffix.lower() not in (".html", ".htm", ".pdf"):
        raise click.UsageError(f"{output}: -o must end in .html or .pdf")
    try:
        write_report(Path(package), out)
    except (PrintoutError, BrowserError) as exc:
        raise click.ClickException(f"{package}: {exc}") from exc
    click.echo(f"wrote {out}; the evidence is the package: check it with "
               f"`spamline evidence verify {package}`")
