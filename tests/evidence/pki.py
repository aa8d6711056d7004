"""A test PKI: a root CA, a domain certificate and an RFC 3161 TSA run by `openssl ts` on 127.0.0.1."""
from __future__ import annotations

import http.server
import subprocess
import tempfile
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from tests.evidence.conftest import Site, SiteHandler

TSA_CONFIG = """\
[ tsa ]
default_tsa = tsa_config
[ tsa_config ]
dir = {dir}
serial = $dir/serial
signer_cert = $dir/tsa.pem
signer_key = $dir/tsa-key.pem
signer_digest = sha256
default_policy = 1.3.6.1.4.1.4146.2.3
digests = sha256, sha512
accuracy = secs:1
ordering = no
tsa_name = no
ess_cert_id_chain = no
ess_cert_id_alg = sha256
"""


def _key() -> ec.EllipticCurvePrivateKey:
    return ec.generate_private_key(ec.SECP256R1())


def _name(cn: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)])


def _cert(subject: str, key: ec.EllipticCurvePrivateKey, issuer: x509.Certificate | None,
          issuer_key: ec.EllipticCurvePrivateKey, *, ca: bool = False,
          eku: list[x509.ObjectIdentifier] | None = None, dns: str | None = None,
          not_before: datetime | None = None) -> x509.Certificate:
    now = datetime.now(timezone.utc)
    start = not_before or now - timedelta(minutes=5)
    builder = (x509.CertificateBuilder().subject_name(_name(subject))
               .issuer_name(issuer.subject if issuer else _name(subject))
               .public_key(key.public_key()).serial_number(x509.random_serial_number())
               .not_valid_before(start).not_valid_after(now + timedelta(days=30))
               .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
               .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()),
                              critical=False)
               .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(
                   issuer_key.public_key()), critical=False))
    if ca:
        builder = builder.add_extension(x509.KeyUsage(
            digital_signature=True, key_cert_sign=True, crl_sign=True, content_commitment=False,
            key_encipherment=False, data_encipherment=False, key_agreement=False,
            encipher_only=False, decipher_only=False), critical=True)
    else:
        builder = builder.add_extension(x509.KeyUsage(
            digital_signature=True, key_cert_sign=False, crl_sign=False, content_commitment=False,
            key_encipherment=False, data_encipherment=False, key_agreement=False,
            encipher_only=False, decipher_only=False), critical=True)
    if eku:  # RFC 3161 wants the TSA's EKU critical; CA/B rules want a TLS certificate's not
        builder = builder.add_extension(x509.ExtendedKeyUsage(eku),
                                        critical=ExtendedKeyUsageOID.TIME_STAMPING in eku)
    if dns:
        builder = builder.add_extension(x509.SubjectAlternativeName([x509.DNSName(dns)]),
                                        critical=False)
    return builder.sign(issuer_key, hashes.SHA256())


def pem(obj: x509.Certificate | ec.EllipticCurvePrivateKey) -> bytes:
    if isinstance(obj, x509.Certificate):
        return obj.public_bytes(serialization.Encoding.PEM)
    return obj.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption())


@dataclass
class Pki:
    """Files of the test PKI in one folder."""

    dir: Path
    ca: x509.Certificate

    @property
    def ca_pem(self) -> Path:
        return self.dir / "ca.pem"

    @property
    def domain_cert(self) -> Path:
        return self.dir / "domain-chain.pem"

    @property
    def domain_key(self) -> Path:
        return self.dir / "domain-key.pem"

    def fingerprint(self) -> str:
        return self.ca.fingerprint(hashes.SHA256()).hex()


def make_pki(folder: Path, domain: str = "evidence.example.org") -> Pki:
    """A root CA that issued a TSA certificate and an ECDSA certificate for domain."""
    folder.mkdir(parents=True, exist_ok=True)
    ca_key = _key()
    ca = _cert("spamline test root CA", ca_key, None, ca_key, ca=True)
    tsa_key = _key()
    tsa = _cert("spamline test TSA", tsa_key, ca, ca_key, eku=[ExtendedKeyUsageOID.TIME_STAMPING])
    domain_key = _key()
    leaf = _cert(domain, domain_key, ca, ca_key, dns=domain,
                 eku=[ExtendedKeyUsageOID.SERVER_AUTH])
    (folder / "ca.pem").write_bytes(pem(ca))
    (folder / "tsa.pem").write_bytes(pem(tsa))
    (folder / "tsa-key.pem").write_bytes(pem(tsa_key))
    (folder / "domain-chain.pem").write_bytes(pem(leaf) + pem(ca))
    (folder / "domain-key.pem").write_bytes(pem(domain_key))
    (folder / "serial").write_text("01\n")
    (folder / "tsa.cnf").write_text(TSA_CONFIG.format(dir=folder))
    return Pki(folder, ca)


class _TsaHandler(SiteHandler):
    """RFC 3161 section 3.4: POST a TimeStampReq, get a TimeStampResp, via `openssl ts -reply`."""

    def do_POST(self) -> None:  # noqa: N802 (http.server naming)
        query = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        folder: Path = self.server.pki_dir  # type: ignore[attr-defined]
        with tempfile.TemporaryDirectory() as tmp:
            (Path(tmp) / "q.tsq").write_bytes(query)
            proc = subprocess.run(
                ["openssl", "ts", "-reply", "-config", str(folder / "tsa.cnf"),
                 "-queryfile", str(Path(tmp) / "q.tsq"), "-out", str(Path(tmp) / "r.tsr")],
                capture_output=True, timeout=30)
            if proc.returncode != 0:
                self.send_error(500, proc.stderr.decode(errors="replace")[:200])
                return
            body = (Path(tmp) / "r.tsr").read_bytes()
        self.server.requests += 1  # type: ignore[attr-defined]
        self._send(200, body, [("Content-Type", "application/timestamp-reply")])


class Tsa(Site):
    """The TSA's server; it answers at `endpoint`."""

    @property
    def endpoint(self) -> str:
        return self.url("/tsa")

    @property
    def requests(self) -> int:
        return self.server.requests  # type: ignore[attr-defined]

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def serve_tsa(pki: Pki) -> Tsa:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _TsaHandler)
    server.daemon_threads = True
    server.pki_dir = pki.dir  # type: ignore[attr-defined]
    server.requests = 0  # type: ignore[attr-defined]
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return Tsa(server)
