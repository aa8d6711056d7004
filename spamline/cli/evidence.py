"""`spamline evidence export|verify`: takedown packages (WACZ) and their verification."""
from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import TYPE_CHECKING

import click

from spamline.cli.common import (
    existing_data_dir_option,
    json_option,
    print_json_lines,
    reading_store,
    store_option,
)
from spamline.datadir import DataDir, DataDirError
from spamline.plural import plural

if TYPE_CHECKING:
    from spamline.evidence.signing import Signer


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
@click.option("--tsa-url", envvar="SPAMLINE_TSA_URL",
              help="RFC 3161 timestamp authority to stamp the signature (env SPAMLINE_TSA_URL).")
@click.option("--tsa-chain", type=click.Path(exists=True, dir_okay=False), envvar="SPAMLINE_TSA_CHAIN",
              help="PEM certificates of the TSA's chain to record with the timestamp "
                   "(when its tokens carry only the TSA's own certificate).")
@click.option("--sign-cert", type=click.Path(exists=True, dir_okay=False), envvar="SPAMLINE_SIGN_CERT",
              help="PEM certificate chain of your domain, to sign as that domain "
                   "(needs --sign-key and --tsa-url); default: the data dir's anonymous key.")
@click.option("--sign-key", type=click.Path(exists=True, dir_okay=False), envvar="SPAMLINE_SIGN_KEY",
              help="PEM ECDSA private key of --sign-cert.")
@click.option("--rdap", is_flag=True,
              help="Look up abuse contacts over RDAP (registrar of each host's domain, network "
                   "owner of each server IP) for the takedown notices; recorded in the package.")
@click.option("--rdap-url", envvar="SPAMLINE_RDAP_URL", metavar="URL",
              help="Send every RDAP query to this service (default: the one IANA's bootstrap "
                   "names for each domain and address).")
@click.option("--by", "made_by", help="Who makes the package, as the summary names it "
                                     "(default: local user@host).")
@existing_data_dir_option
@store_option
@json_option
def export(number: str | None, brand: str | None, network_id: str | None, domain: str | None,
           output: str, screenshots: bool, title: str | None, tsa_url: str | None,
           tsa_chain: str | None, sign_cert: str | None, sign_key: str | None, rdap: bool,
           rdap_url: str | None, made_by: str | None, data_dir: DataDir, store_url: str | None,
           as_json: bool) -> None:
    """Write a WACZ package (WARC records, CDXJ, pages, report.html, urls.csv) for one selector.

    Example: spamline evidence export --number "400 812 3456" -o acme.wacz
    """
    from spamline.evidence.package import ExportError, export_package
    from spamline.evidence.scope import Scope, known_hubs
    from spamline.evidence.summary import ExportContext, default_maker
    from spamline.jobs.recheck import page_states

    selectors = {"number": number, "brand": brand, "network": network_id, "domain": domain}
    chosen = {k: v for k, v in selectors.items() if v}
    if len(chosen) != 1:
        raise click.UsageError("give exactly one of --number, --brand, --network or --domain")
    (kind, value), = chosen.items()
    signer = _signer(data_dir, tsa_url, tsa_chain, sign_cert, sign_key)
    with reading_store(store_url, data_dir) as store:
        captures = store.captures(number=number, brand=brand, network_id=network_id,
                                  domain=domain)
        scope = Scope.of(kind, value, store.brands(), known_hubs(data_dir.root))
        captures, left_out = scope.select(captures)
        states = page_states(store, (c.url for c in captures))
    if scope.brand is not None and not scope.registered:
        click.echo(f"note: {value!r} is not registered, so every number counts as not official; "
                   f"register it with `spamline brand add {value} --official NUMBER`", err=True)
    if left_out:
        click.echo(f"left out {plural(len(left_out), 'page')} showing only official numbers of "
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
            progress=None if as_json else lambda msg: click.echo(msg, err=True), context=context,
            signer=signer)
    except ExportError as exc:
        raise click.ClickException(str(exc)) from exc
    for line in result.notes + [f"skipped {s}" for s in result.skipped]:
        click.echo(line, err=True)
    if as_json:
        row = dataclasses.asdict(result)
        row["path"] = str(result.path)
        print_json_lines([row])
    else:
        click.echo(f"wrote {result.path}: {plural(result.pages, 'page')}, "
                   f"{plural(result.records, 'WARC record')}, "
                   f"{plural(result.screenshots, 'screenshot')}; check it with "
                   f"`spamline evidence verify --data-dir {data_dir.root} {result.path}`")


def _signer(data_dir: DataDir, tsa_url: str | None, tsa_chain: str | None,
            sign_cert: str | None, sign_key: str | None) -> Signer:
    from spamline.evidence.package import SOFTWARE
    from spamline.evidence.signing import SigningError, make_signer

    if bool(sign_cert) != bool(sign_key):
        raise click.UsageError("--sign-cert and --sign-key go together")
    try:
        return make_signer(data_dir.root, SOFTWARE, tsa_url=tsa_url,
                           tsa_chain=Path(tsa_chain) if tsa_chain else None,
                           cert=Path(sign_cert) if sign_cert else None,
                           key=Path(sign_key) if sign_key else None)
    except SigningError as exc:
        raise click.ClickException(str(exc)) from exc


@evidence.command()
@existing_data_dir_option
def key(data_dir: DataDir) -> None:
    """Print the data dir's public signing key (made on first use), to give to recipients.

    They check packages with `spamline evidence verify --trust KEY.pem FILE.wacz`.
    Example: spamline evidence key > acme-signing-key.pem
    """
    from cryptography.hazmat.primitives import serialization

    from spamline.evidence.signing import KEY_FILE, key_fingerprint, load_or_create_key

    public = load_or_create_key(data_dir.root).public_key()
    click.echo(public.public_bytes(serialization.Encoding.PEM,
                                   serialization.PublicFormat.SubjectPublicKeyInfo).decode(), nl=False)
    click.echo(f"{key_fingerprint(public)} (private key: {data_dir.root / KEY_FILE})", err=True)


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
              help="A data dir whose signing key you trust, and whose archive must hold "
                   "every record of the package unchanged.")
@click.option("--trust", "trust_files", multiple=True, type=click.Path(exists=True, dir_okay=False),
              help="PEM file of a signer's public key, or of a root certificate of domain "
                   "certificates and TSAs to trust besides the system's (repeatable).")
@click.option("--allow-unsigned", is_flag=True,
              help="Check a package that carries no signature (it is then only self-consistent).")
@json_option
def verify(package: str, data_dir: str | None, trust_files: tuple[str, ...],
           allow_unsigned: bool, as_json: bool) -> None:
    """Recompute every digest in PACKAGE.wacz and check its signature; exit 1 naming what failed.

    Example: spamline evidence verify --trust acme-signing-key.pem acme.wacz
    """
    from spamline.evidence.signing import SigningError, Trust
    from spamline.evidence.verify import verify_package

    trust = Trust()
    archive = None
    try:
        for name in trust_files:
            trust.add_file(Path(name))
        if data_dir is not None:
            archive = DataDir.existing(data_dir)
            trust.add_data_dir(archive.root)
        trust.add_system_roots()
    except (SigningError, DataDirError) as exc:
        raise click.ClickException(str(exc)) from exc
    result = verify_package(package, trust=trust, allow_unsigned=allow_unsigned,
                            archive=archive.warcs if archive else None)
    sig = result.signature
    if as_json:
        print_json_lines([{"path": str(result.path), "ok": result.ok, "problems": result.problems,
                           "files": result.files, "records": result.records,
                           "index_lines": result.index_lines, "pages": result.pages,
                           "record_digests": dict(result.digests),
                           "urls_rows": result.urls_rows,
                           "archive_matched": result.archive.matched if result.archive else None,
                           "signature": {"signer": sig.signer, "trusted_as": sig.trusted_as,
                                         "created": sig.created, "timestamp": sig.timestamp,
                                         "tsa": sig.tsa}}])
    if not result.ok:
        if not as_json:
            for problem in result.problems:
                click.echo(problem, err=True)
        raise click.ClickException(
            f"{package}: {plural(len(result.problems), 'problem')}; the package is not as exported "
            "by a signer you trust. Do not file it; export a fresh package from the archive.")
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
