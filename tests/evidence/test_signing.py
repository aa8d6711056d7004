"""Signed, timestamped packages (WACZ signedData) against a local `openssl ts` TSA."""
from __future__ import annotations

import base64
import csv
import io
import json
import subprocess
import sys
import zipfile

import pytest
from click.testing import CliRunner
from cryptography.hazmat.primitives.asymmetric import ec

from spamline.cli import main
from spamline.evidence.package import SOFTWARE, export_package
from spamline.evidence.signing import Trust, make_signer
from spamline.evidence.verify import verify_package
from tests.evidence.forge import forge
from tests.evidence.pki import make_pki, pem, serve_tsa

NUMBER = "+864008123456"
# runs `wacz validate --verify-auth` with authsign trusting the test root CA and TSA as well
WACZ_WITH_ROOTS = """
import sys
import authsign.verifier
from wacz.main import main
authsign.verifier.DEFAULT_TRUSTED_ROOTS = sys.argv[1]
sys.exit(main(["validate", "--verify-auth", "-f", sys.argv[2]]))
"""


@pytest.fixture(scope="module")
def pki(tmp_path_factory):
    made = make_pki(tmp_path_factory.mktemp("pki"))
    tsa = serve_tsa(made)
    yield made, tsa
    tsa.close()


@pytest.fixture(scope="module")
def signed(archive, pki, tmp_path_factory):
    """An anonymous-key, timestamped package, its data dir and the trust of its recipient."""
    ca, tsa = pki
    folder = tmp_path_factory.mktemp("signed")
    data = folder / "data"
    signer = make_signer(data, SOFTWARE, tsa_url=tsa.endpoint, tsa_chain=ca.ca_pem)
    selected = [c for c in archive.captures if any(h.e164 == NUMBER for h in c.hits)]
    out = folder / "acme.wacz"
    export_package(selected, archive.warcs, out, selection=f"number {NUMBER}", signer=signer)
    trust = Trust.of_data_dir(data)
    trust.add_file(ca.ca_pem)
    return out, data, trust


def _signed_data(path):
    with zipfile.ZipFile(path) as zf:
        return json.loads(zf.read("datapackage-digest.json"))["signedData"]


def test_signed_package_says_who_signed_and_when(signed, pki):
    out, data, trust = signed
    verification = verify_package(out, trust=trust)
    assert verification.ok, verification.problems
    sig = verification.signature
    assert sig.signer.startswith("anonymous key sha256:") and str(data) in sig.trusted_as
    assert sig.tsa == "spamline test TSA" and sig.timestamp >= sig.created
    assert f"timestamped {sig.timestamp} by spamline test TSA" in verification.summary()
    signed_data = _signed_data(out)
    assert set(signed_data) == {"hash", "created", "software", "version", "signature",
                                "publicKey", "timeSignature", "timestampCert"}
    assert pki[1].requests >= 1


def test_consistent_forgery_fails_naming_the_signature(signed, tmp_path):
    out, _, trust = signed
    forged = tmp_path / "forged.wacz"
    forge(out, forged, b"400-812-3456", b"400-812-3459")
    problems = verify_package(forged, trust=trust).problems
    assert problems == ["signedData: the signed hash is not the hash of this datapackage.json: "
                        "the package changed after it was signed"]
    # every digest in it is consistent: without its signature it would pass
    stripped = tmp_path / "stripped.wacz"
    forge(out, stripped, b"400-812-3456", b"400-812-3459", signed_data="strip")
    assert verify_package(stripped, trust=trust, allow_unsigned=True).ok
    wacz = subprocess.run([sys.executable, "-m", "wacz", "validate", "-f", str(stripped)],
                          capture_output=True, text=True)
    assert wacz.returncode == 0, wacz.stdout + wacz.stderr


def test_stripping_the_signature_fails_unless_allowed(signed, tmp_path):
    out, _, trust = signed
    stripped = tmp_path / "stripped.wacz"
    forge(out, stripped, b"400-812-3456", b"400-812-3456", signed_data="strip")
    problems = verify_package(stripped, trust=trust).problems
    assert len(problems) == 1 and "no signedData" in problems[0]
    assert verify_package(stripped, trust=trust, allow_unsigned=True).ok


def test_package_signed_with_another_key_fails(signed, tmp_path):
    out, _, trust = signed
    other = make_signer(tmp_path / "other-data", SOFTWARE)
    forged = tmp_path / "resigned.wacz"
    forge(out, forged, b"400-812-3456", b"400-812-3459", signed_data="resign", resign=other.sign)
    problems = verify_package(forged, trust=trust).problems
    assert len(problems) == 1 and "signed by anonymous key sha256:" in problems[0]
    assert "not a key you trust" in problems[0]
    # trusting the other key instead: its own package verifies, and names it
    assert verify_package(forged, trust=Trust.of_data_dir(tmp_path / "other-data"),
                          allow_unsigned=False).problems == []


def _with_digest(src, dst, change):
    """Copy a package, calling change() on its datapackage-digest.json object."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w") as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename == "datapackage-digest.json":
                digest = json.loads(data)
                change(digest)
                data = json.dumps(digest).encode()
            zout.writestr(info, data)


@pytest.mark.parametrize("field", ["signature", "publicKey", "timeSignature"])
def test_an_altered_signature_field_fails(signed, tmp_path, field):
    out, _, trust = signed

    def flip(signed_data):
        raw = bytearray(base64.b64decode(signed_data[field]))
        raw[len(raw) // 2] ^= 1
        signed_data[field] = base64.b64encode(bytes(raw)).decode()

    altered = tmp_path / "altered.wacz"
    _with_digest(out, altered, lambda digest: flip(digest["signedData"]))
    problems = verify_package(altered, trust=trust).problems
    assert problems and all(p.startswith("signedData:") for p in problems)


def test_a_timestamp_from_another_package_fails(signed, archive, pki, tmp_path):
    out, data, trust = signed
    again = tmp_path / "again.wacz"
    export_package(archive.captures[:1], archive.warcs, again, selection="one",
                   signer=make_signer(data, SOFTWARE, tsa_url=pki[1].endpoint, tsa_chain=pki[0].ca_pem))
    other_stamp = _signed_data(again)["timeSignature"]
    swapped = tmp_path / "swapped.wacz"
    _with_digest(out, swapped, lambda digest: digest["signedData"].update(timeSignature=other_stamp))
    problems = verify_package(swapped, trust=trust).problems
    assert len(problems) == 1 and "RFC 3161 timestamp does not verify" in problems[0]


def test_timestamp_by_an_untrusted_tsa_fails(signed):
    out, data, _ = signed
    problems = verify_package(out, trust=Trust.of_data_dir(data)).problems
    assert len(problems) == 1 and "timestamp" in problems[0]


def test_domain_signed_package_passes_wacz_validate_verify_auth(archive, pki, tmp_path):
    ca, tsa = pki
    out = tmp_path / "domain.wacz"
    signer = make_signer(tmp_path / "data", SOFTWARE, tsa_url=tsa.endpoint, tsa_chain=ca.ca_pem,
                         cert=ca.domain_cert, key=ca.domain_key)
    export_package(archive.captures, archive.warcs, out, selection="all", signer=signer)
    trust = Trust()
    trust.add_file(ca.ca_pem)
    verification = verify_package(out, trust=trust)
    assert verification.ok, verification.problems
    assert verification.signature.signer == "domain evidence.example.org"

    pytest.importorskip("authsign")  # a test dependency on Python 3.11+
    roots = tmp_path / "roots.yaml"  # JSON is YAML
    roots.write_text(json.dumps({"domain_cert_roots": [ca.fingerprint()],
                                 "timestamp_cert_roots": [ca.fingerprint()]}))
    wacz = subprocess.run([sys.executable, "-c", WACZ_WITH_ROOTS, str(roots), str(out)],
                          capture_output=True, text=True, timeout=120)
    assert wacz.returncode == 0, wacz.stdout + wacz.stderr
    assert "Successfully verified signature" in wacz.stdout
    # py-wacz 0.6 never compares signedData.hash with datapackage.json's hash, so it accepts
    # the consistent forgery that keeps the old signedData; spamline refuses it
    # (docs/evidence.md says so: update both if py-wacz starts refusing it)
    forged = tmp_path / "forged.wacz"
    forge(out, forged, b"400-812-3456", b"400-812-3459")
    wacz = subprocess.run([sys.executable, "-c", WACZ_WITH_ROOTS, str(roots), str(forged)],
                          capture_output=True, text=True, timeout=120)
    assert wacz.returncode == 0 and "Successfully verified signature" in wacz.stdout
    assert "the package changed after it was signed" in verify_package(forged, trust=trust).problems[0]


def test_cli_signs_with_the_tsa_and_verify_prints_signer_and_time(stored, pki, tmp_path):
    ca, tsa = pki
    out = tmp_path / "cli.wacz"
    made = CliRunner().invoke(main, ["evidence", "export", "--number", NUMBER, "-o", str(out),
                                     "--data-dir", str(stored.data), "--tsa-url", tsa.endpoint,
                                     "--tsa-chain", str(ca.ca_pem)])
    assert made.exit_code == 0, made.output
    key = CliRunner().invoke(main, ["evidence", "key", "--data-dir", str(stored.data)])
    assert key.exit_code == 0 and "BEGIN PUBLIC KEY" in key.output
    pub = tmp_path / "key.pem"
    pub.write_text(key.stdout)
    assert "sha256:" in key.stderr and "signing-key.pem" in key.stderr
    ok = CliRunner().invoke(main, ["evidence", "verify", str(out), "--trust", str(pub),
                                   "--trust", str(ca.ca_pem)])
    assert ok.exit_code == 0, ok.output
    assert "signed by anonymous key sha256:" in ok.output and "by spamline test TSA" in ok.output
    unsigned_trust = CliRunner().invoke(main, ["evidence", "verify", str(out)])
    assert unsigned_trust.exit_code == 1 and "not a key you trust" in unsigned_trust.output


def test_verify_with_data_dir_compares_every_record_with_the_archive(stored, tmp_path):
    out = tmp_path / "pkg.wacz"
    assert CliRunner().invoke(main, ["evidence", "export", "--number", NUMBER, "-o", str(out),
                                     "--data-dir", str(stored.data)]).exit_code == 0
    verification = verify_package(out, trust=Trust.of_data_dir(stored.data),
                                  archive=stored.warcs)
    assert verification.ok, verification.problems
    assert verification.archive.made_at_export == 1  # the package's warcinfo
    assert verification.archive.matched == verification.records - 1 >= 8
    ok = CliRunner().invoke(main, ["evidence", "verify", str(out), "--data-dir", str(stored.data)])
    assert ok.exit_code == 0 and f"{verification.archive.matched} records identical" in ok.output

    # an insider re-signs a forgery with the data dir's own key: only the archive tells
    insider = tmp_path / "insider.wacz"
    forge(out, insider, b"400-812-3456", b"400-812-3459", signed_data="resign",
          resign=make_signer(stored.data, SOFTWARE).sign)
    assert verify_package(insider, trust=Trust.of_data_dir(stored.data)).ok
    bad = CliRunner().invoke(main, ["evidence", "verify", str(insider), "--data-dir",
                                    str(stored.data)])
    assert bad.exit_code == 1
    differs = [line for line in bad.output.splitlines() if "differs from the archived" in line]
    assert len(differs) == 1 and differs[0].startswith("response <urn:uuid:")


def test_a_record_missing_from_the_archive_is_named(archive, tmp_path):
    out = tmp_path / "pkg.wacz"
    export_package(archive.captures[:1], archive.warcs, out, selection="one")
    empty = tmp_path / "empty-warcs"
    empty.mkdir()
    problems = verify_package(out, allow_unsigned=True, archive=empty).problems
    assert problems and all("not in the archive" in p or "its response is not" in p
                            for p in problems)


@pytest.mark.parametrize("replacement", [
    "not an object", {"hash": 1}, {"hash": "sha256:é", "created": "x", "signature": "é",
                                   "publicKey": "!!"},
    {"hash": "h", "created": "c", "signature": "s", "domain": "x", "domainCert": "junk"},
    {"hash": "h", "created": "c", "signature": "s", "publicKey": "", "extra": "no"},
], ids=["string", "number", "non-ascii", "domain-junk", "extra-field"])
def test_malformed_signed_data_is_a_problem_not_a_crash(signed, tmp_path, replacement):
    out, _, trust = signed
    bad = tmp_path / "bad.wacz"
    _with_digest(out, bad, lambda digest: digest.update(signedData=replacement))
    problems = verify_package(bad, trust=trust).problems
    assert problems and all(p.startswith("signedData:") for p in problems), problems


def test_report_and_csv_must_cite_the_records_they_describe(signed, tmp_path):
    """A report or CSV changed and re-signed by a trusted key still fails: it cites no record."""
    out, data, trust = signed
    resign = make_signer(data, SOFTWARE).sign
    with zipfile.ZipFile(out) as zf:
        csv_text = zf.read("report/urls.csv").decode()
    digest = next(part for part in csv_text.split(",") if part.startswith("sha256:"))
    wrong = "sha256:" + "0" * 64
    for member in ("report/report.html", "report/urls.csv"):
        changed = tmp_path / f"{member.replace('/', '-')}.wacz"
        forge(out, changed, b"", b"", signed_data="resign", resign=resign,
              texts={member: (digest.encode(), wrong.encode())})
        problems = verify_package(changed, trust=trust).problems
        assert problems and all(p.startswith(member) for p in problems), problems


def test_export_refuses_what_it_cannot_sign_as_asked(stored, pki, tmp_path):
    ca, _ = pki
    base = ["evidence", "export", "--number", NUMBER, "-o", str(tmp_path / "x.wacz"),
            "--data-dir", str(stored.data)]
    no_tsa = CliRunner().invoke(main, base + ["--sign-cert", str(ca.domain_cert),
                                              "--sign-key", str(ca.domain_key)])
    assert no_tsa.exit_code == 1 and "needs an RFC 3161 timestamp" in no_tsa.output
    half = CliRunner().invoke(main, base + ["--sign-cert", str(ca.domain_cert)])
    assert half.exit_code == 2 and "go together" in half.output
    other_key = tmp_path / "other-key.pem"
    other_key.write_bytes(pem(ec.generate_private_key(ec.SECP256R1())))
    wrong_key = CliRunner().invoke(main, base + ["--sign-cert", str(ca.domain_cert),
                                                 "--sign-key", str(other_key),
                                                 "--tsa-url", pki[1].endpoint])
    assert wrong_key.exit_code == 1 and "does not belong" in wrong_key.output
    dead = CliRunner().invoke(main, base + ["--tsa-url", "http://127.0.0.1:9/tsa"])
    assert dead.exit_code == 1 and "did not answer" in dead.output
    assert not (tmp_path / "x.wacz").exists()


def test_a_key_that_cannot_be_made_is_a_clear_error(tmp_path):
    """A data dir where keys/ cannot be created (read-only, or a file in the way) says what to do."""
    from spamline.evidence.signing import SigningError, load_or_create_key

    (tmp_path / "keys").write_text("not a folder")
    with pytest.raises(SigningError, match="cannot make the data dir's signing key.*spamline evidence key"):
        load_or_create_key(tmp_path)


def test_urls_csv_and_report_cite_only_records_of_the_package(signed, tmp_path):
    out, _, trust = signed
    with zipfile.ZipFile(out) as zf:
        row = next(csv.DictReader(io.StringIO(zf.read("report/urls.csv").decode())))
        report = zf.read("report/report.html").decode()
    rid, digest = row["record_id"], row["payload_digest"]
    assert rid.strip("<>") in report and digest in report
    stranger, zeros = "<urn:uuid:00000000-0000-4000-8000-000000000000>", "sha256:" + "0" * 64
    edited = tmp_path / "edited.wacz"
    forge(out, edited, b"400-812-3456", b"400-812-3456", signed_data="strip",
          texts={"report/urls.csv": (rid.encode(), stranger.encode()),
                 "report/report.html": (digest.encode(), zeros.encode())})
    problems = verify_package(edited, trust=trust, allow_unsigned=True).problems
    assert sorted(problems) == sorted([
        f"report/urls.csv: row for {row['url']} does not match record {stranger} of the package "
        "(URL or digest differ)",
        f"report/report.html: cites digest {zeros}, which no record of the package has"])
