"""`signedData` for datapackage-digest.json (WACZ Signing and Verification 0.1.0).

Two signature formats, as the spec names them:

- **Anonymous Signature**: an ECDSA P-256 key made once per data dir
  (`<data dir>/keys/signing-key.pem`); `publicKey` is the base64 DER
  SubjectPublicKeyInfo. Who owns the key is settled outside the package
  (`spamline evidence key` prints it to hand out).
- **Domain-Ownership Identity + Signed Timestamp**: an ECDSA key and its
  certificate chain (`domain`, `domainCert`), given by the user.

`signature` is ECDSA/SHA-256 over the `hash` string (DER, base64), as authsign
writes it. `timeSignature` is the RFC 3161 TimeStampResp (base64 DER) a TSA
gave for the `signature` string, with `timestampCert` the TSA's chain; the
anonymous format carries these two fields of the domain format too (the spec
allows only properties listed in one of its formats).
"""
from __future__ import annotations

import base64
import hashlib
import os
import re
import urllib.error
import urllib.request
import warnings
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.utils import CryptographyDeprecationWarning
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature
from cryptography.x509 import DNSName
from cryptography.x509.oid import NameOID
from cryptography.x509.verification import PolicyBuilder, Store, VerificationError
from rfc3161_client import (HashAlgorithm, TimestampRequestBuilder, VerifierBuilder,
                            decode_timestamp_response)
from rfc3161_client import VerificationError as TimestampVerificationError

SIGNATURE_VERSION = "0.1.0"  # of the WACZ Signing and Verification spec
KEY_FILE = Path("keys") / "signing-key.pem"
TSA_TIMEOUT = 30.0  # seconds for one timestamp request


class SigningError(RuntimeError):
    """A package cannot be signed as asked; the message says what to do."""


def load_or_create_key(data_root: Path) -> ec.EllipticCurvePrivateKey:
    """The data dir's anonymous signing key, made (mode 0600) the first time it is needed."""
    path = Path(data_root) / KEY_FILE
    if not path.exists():
        try:
            _create_key(path)
        except OSError as exc:
            raise SigningError(
                f"cannot make the data dir's signing key {path}: {exc.strerror or exc}. On a "
                "read-only archive, make it once where the folder is writable (`spamline evidence "
                "key`), or sign with --sign-cert and --sign-key") from exc
    return load_private_key(path)


def _create_key(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    key = ec.generate_private_key(ec.SECP256R1())
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption())
    tmp = path.with_name(path.name + f".{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(pem)
    try:
        os.link(tmp, path)  # never replace a key another process made meanwhile
    except FileExistsError:
        pass
    finally:
        tmp.unlink()


def load_private_key(path: Path) -> ec.EllipticCurvePrivateKey:
    """An unencrypted ECDSA private key from a PEM file."""
    try:
        key = serialization.load_pem_private_key(Path(path).read_bytes(), password=None)
    except (OSError, ValueError, TypeError) as exc:
        raise SigningError(f"cannot read the signing key {path}: {exc}") from exc
    if not isinstance(key, ec.EllipticCurvePrivateKey):
        raise SigningError(f"{path} is not an ECDSA key; WACZ signatures are ECDSA")
    return key


def load_certificates(path: Path) -> list[x509.Certificate]:
    """Every certificate in a PEM file, in file order."""
    try:
        certs = x509.load_pem_x509_certificates(Path(path).read_bytes())
    except (OSError, ValueError) as exc:
        raise SigningError(f"cannot read certificates from {path}: {exc}") from exc
    return certs


def public_key_b64(key: ec.EllipticCurvePublicKey) -> str:
    """`publicKey` as the spec writes it: base64 of the DER SubjectPublicKeyInfo."""
    der = key.public_bytes(serialization.Encoding.DER,
                           serialization.PublicFormat.SubjectPublicKeyInfo)
    return base64.b64encode(der).decode("ascii")


def key_fingerprint(key: ec.EllipticCurvePublicKey) -> str:
    """'sha256:HEX' of the DER SubjectPublicKeyInfo: how a key is named to people."""
    return "sha256:" + hashlib.sha256(base64.b64decode(public_key_b64(key))).hexdigest()


def cert_pem(certs: list[x509.Certificate]) -> str:
    return "".join(c.public_bytes(serialization.Encoding.PEM).decode("ascii") for c in certs)


def subject_name(cert: x509.Certificate) -> str:
    """The certificate's common name, or its first DNS name."""
    names = cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
    if names:
        return str(names[0].value)
    try:
        san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName)
        return next(iter(san.value.get_values_for_type(x509.DNSName)), "")
    except x509.ExtensionNotFound:
        return ""


@dataclass
class TimestampAuthority:
    """An RFC 3161 TSA reached over HTTP (RFC 3161 section 3.4)."""

    url: str
    chain: list[x509.Certificate] = field(default_factory=list)  # appended to the token's certs

    def stamp(self, message: bytes) -> tuple[bytes, list[x509.Certificate]]:
        """The DER TimeStampResp for message and the TSA certificate chain to record."""
        request = (TimestampRequestBuilder().data(message).hash_algorithm(HashAlgorithm.SHA256)
                   .nonce(nonce=True).cert_request(cert_request=True).build())
        http = urllib.request.Request(self.url, data=request.as_bytes(), method="POST",
                                      headers={"Content-Type": "application/timestamp-query"})
        try:
            with urllib.request.urlopen(http, timeout=TSA_TIMEOUT) as resp:
                der = resp.read(1 << 20)
        except (urllib.error.URLError, OSError, ValueError) as exc:
            raise SigningError(f"the timestamp authority {self.url} did not answer: {exc}. "
                               "Check --tsa-url, or export without it.") from exc
        try:
            response = decode_timestamp_response(der)
        except ValueError as exc:
            raise SigningError(f"{self.url} sent no RFC 3161 timestamp response ({exc})") from exc
        info = response.tst_info
        if (response.status != 0 or info.nonce != request.nonce
                or info.message_imprint.message != hashlib.sha256(message).digest()):
            raise SigningError(f"{self.url} answered with status {response.status} and a token "
                               "that does not stamp what was sent; not using it")
        certs = [x509.load_der_x509_certificate(c) for c in response.signed_data.certificates]
        chain = certs + [c for c in self.chain if c not in certs]
        if not chain:
            raise SigningError(f"{self.url} sent no certificate; give its chain with --tsa-chain")
        return der, chain


@dataclass
class Signer:
    """Makes `signedData`: an anonymous key or a domain certificate, and an optional TSA."""

    key: ec.EllipticCurvePrivateKey
    domain_chain: list[x509.Certificate] = field(default_factory=list)
    tsa: TimestampAuthority | None = None
    software: str = ""

    def __post_init__(self) -> None:
        if self.domain_chain:
            if self.domain_chain[0].public_key() != self.key.public_key():
                raise SigningError("the signing key does not belong to the first certificate "
                                   "of the domain certificate chain")
            if self.tsa is None:
                raise SigningError("a domain certificate signature needs an RFC 3161 "
                                   "timestamp: give --tsa-url")

    def verify_command(self, package_name: str) -> str:
        """The command a recipient runs to check a package this signer signed."""
        if self.domain_chain:
            return f"spamline evidence verify {package_name}"
        return (f"spamline evidence verify --trust SIGNER-KEY.pem {package_name} (the package is "
                "signed with an anonymous key; its maker gives SIGNER-KEY.pem with "
                "`spamline evidence key`)")

    def sign(self, hash_value: str, created: str) -> dict[str, str]:
        """signedData for datapackage-digest.json's `hash` and datapackage.json's `created`."""
        signature = base64.b64encode(
            self.key.sign(hash_value.encode("ascii"), ec.ECDSA(hashes.SHA256()))).decode("ascii")
        signed = {"hash": hash_value, "created": created, "software": self.software,
                  "version": SIGNATURE_VERSION, "signature": signature}
        if self.domain_chain:
            signed["domain"] = subject_name(self.domain_chain[0])
            signed["domainCert"] = cert_pem(self.domain_chain)
        else:
            signed["publicKey"] = public_key_b64(self.key.public_key())
        if self.tsa is not None:
            der, chain = self.tsa.stamp(signature.encode("ascii"))
            signed["timeSignature"] = base64.b64encode(der).decode("ascii")
            signed["timestampCert"] = cert_pem(chain)
        return signed


def make_signer(data_root: Path, software: str, *, tsa_url: str | None = None,
                tsa_chain: Path | None = None, cert: Path | None = None,
                key: Path | None = None) -> Signer:
    """A domain-certificate signer (cert + key) or the data dir's anonymous one, with a TSA."""
    tsa = TimestampAuthority(tsa_url, load_certificates(tsa_chain) if tsa_chain else []) \
        if tsa_url else None
    if cert is not None and key is not None:
        return Signer(load_private_key(key), load_certificates(cert), tsa, software)
    return Signer(load_or_create_key(data_root), tsa=tsa, software=software)


def verify_ecdsa(key: ec.EllipticCurvePublicKey, signature_b64: str, message: bytes) -> bool:
    """ECDSA/SHA-256, signature as DER (authsign) or raw r||s (WebCrypto, ArchiveWeb.page)."""
    try:
        sig = base64.b64decode(signature_b64, validate=True)
    except (ValueError, TypeError):
        return False
    size = (key.curve.key_size + 7) // 8
    candidates = [sig]
    if len(sig) == 2 * size:
        candidates.append(encode_dss_signature(int.from_bytes(sig[:size], "big"),
                                                int.from_bytes(sig[size:], "big")))
    for der in candidates:
        try:
            key.verify(der, message, ec.ECDSA(hashes.SHA256()))
            return True
        except (InvalidSignature, ValueError):
            continue
    return False


SYSTEM_ROOTS = Path("/etc/ssl/certs/ca-certificates.crt")
STAMP_WINDOW = timedelta(minutes=10)  # spec, Verification step 7
ANONYMOUS_FIELDS = {"hash", "created", "software", "version", "signature", "publicKey"}
DOMAIN_FIELDS = {"hash", "created", "software", "version", "signature", "domain", "domainCert",
                 "timeSignature", "timestampCert", "crossSignedCert"}
_PEM_BLOCK = re.compile(rb"-----BEGIN ([A-Z0-9 ]+)-----.+?-----END \1-----\s*", re.S)


@dataclass
class Trust:
    """Whom a verifier believes: anonymous keys by fingerprint, CA roots for domains and TSAs."""

    keys: dict[str, str] = field(default_factory=dict)  # fingerprint -> where it came from
    roots: list[x509.Certificate] = field(default_factory=list)

    def add_file(self, path: Path) -> None:
        """Public keys and certificates from a PEM file (a certificate is trusted as a root)."""
        try:
            data = Path(path).read_bytes()
        except OSError as exc:
            raise SigningError(f"cannot read {path}: {exc.strerror}") from exc
        blocks = list(_PEM_BLOCK.finditer(data))
        if not blocks:
            raise SigningError(f"{path} holds no PEM public key or certificate")
        for block in blocks:
            kind, pem = block.group(1), block.group(0)
            try:
                if kind == b"CERTIFICATE":
                    self.roots.append(x509.load_pem_x509_certificate(pem))
                elif kind == b"PUBLIC KEY":
                    key = serialization.load_pem_public_key(pem)
                    if isinstance(key, ec.EllipticCurvePublicKey):
                        self.keys[key_fingerprint(key)] = str(path)
                elif b"PRIVATE KEY" in kind:
                    raise SigningError(f"{path} holds a private key: give the public key only")
            except ValueError as exc:
                raise SigningError(f"{path}: unreadable {kind.decode()} ({exc})") from exc

    def add_data_dir(self, data_root: Path) -> None:
        """The anonymous key of a data dir, if it has made one."""
        path = Path(data_root) / KEY_FILE
        if path.exists():
            key = load_private_key(path).public_key()
            self.keys[key_fingerprint(key)] = f"the signing key of data dir {data_root}"

    @classmethod
    def of_data_dir(cls, data_root: Path) -> "Trust":
        """Trust in a data dir's key alone (what its owner's own checks use)."""
        trust = cls()
        trust.add_data_dir(data_root)
        return trust

    def add_system_roots(self) -> None:
        if SYSTEM_ROOTS.exists():
            with warnings.catch_warnings():  # a few old roots have non-positive serial numbers
                warnings.simplefilter("ignore", CryptographyDeprecationWarning)
                self.roots.extend(x509.load_pem_x509_certificates(SYSTEM_ROOTS.read_bytes()))


@dataclass
class SignatureCheck:
    """What a signedData proves, or why it does not."""

    problems: list[str] = field(default_factory=list)
    signer: str = ""  # "anonymous key sha256:..." or "domain example.org"
    trusted_as: str = ""  # why the signer is believed
    created: str = ""  # the signer's own claim of when
    timestamp: str = ""  # RFC 3161 genTime, ISO 8601 UTC
    tsa: str = ""  # who vouches for the timestamp

    def describe(self) -> str:
        if not self.signer:
            return "not signed"
        when = (f"timestamped {self.timestamp} by {self.tsa} (RFC 3161)" if self.timestamp
                else f"not timestamped (the signer's own clock says {self.created})")
        return f"signed by {self.signer} ({self.trusted_as}), {when}"


def check_signed_data(signed: object, *, package_hash: str, created: str,
                      trust: Trust) -> SignatureCheck:
    """Verify signedData against datapackage.json's hash and created (spec, Verification)."""
    check = SignatureCheck()
    if not isinstance(signed, dict) or not all(isinstance(v, str) for v in signed.values()):
        check.problems.append("signedData: not an object of strings")
        return check
    fields = ((ANONYMOUS_FIELDS | {"timeSignature", "timestampCert"}) if "publicKey" in signed
              else DOMAIN_FIELDS)
    extra = sorted(set(signed) - fields)
    missing = sorted({"hash", "created", "signature"} - set(signed))
    if extra or missing:
        check.problems.append(f"signedData: unknown properties {extra} / missing {missing}")
        return check
    check.created = signed["created"]
    if signed["hash"] != package_hash:
        check.problems.append("signedData: the signed hash is not the hash of this "
                              "datapackage.json: the package changed after it was signed")
    if signed["created"] != created:
        check.problems.append(f"signedData: signed 'created' {signed['created']!r} is not "
                              f"datapackage.json's {created!r}")
    if "publicKey" in signed:
        key = _check_anonymous(signed, trust, check)
    else:
        key = _check_domain(signed, trust, check)
    if key is not None and not verify_ecdsa(key, signed["signature"],
                                            signed["hash"].encode("utf-8")):
        check.problems.append(f"signedData: the signature is not {check.signer}'s signature "
                              "of the hash (altered or copied)")
    if "timeSignature" in signed:
        _check_timestamp(signed, trust, check)
    elif "publicKey" not in signed:
        check.problems.append("signedData: a domain signature without the timeSignature the "
                              "spec requires")
    return check


def _check_anonymous(signed: dict[str, str], trust: Trust, check: SignatureCheck
                     ) -> ec.EllipticCurvePublicKey | None:
    try:
        key = serialization.load_der_public_key(base64.b64decode(signed["publicKey"]))
    except (ValueError, TypeError):
        key = None
    if not isinstance(key, ec.EllipticCurvePublicKey):
        check.problems.append("signedData: publicKey is not a base64 DER ECDSA public key")
        return None
    fingerprint = key_fingerprint(key)
    check.signer = f"anonymous key {fingerprint}"
    if fingerprint in trust.keys:
        check.trusted_as = f"trusted: {trust.keys[fingerprint]}"
    else:
        check.problems.append(
            f"signedData: signed by anonymous key {fingerprint}, which is not a key you trust; "
            "give the sender's public key with --trust KEY.pem (`spamline evidence key` "
            "prints it), or --data-dir of the data dir that signed it")
    return key


def _check_domain(signed: dict[str, str], trust: Trust, check: SignatureCheck
                  ) -> ec.EllipticCurvePublicKey | None:
    domain = signed.get("domain", "")
    check.signer = f"domain {domain}"
    try:
        chain = x509.load_pem_x509_certificates(signed.get("domainCert", "").encode("utf-8"))
        when = _parse_time(signed["created"])
    except ValueError as exc:
        check.problems.append(f"signedData: unreadable domainCert or created ({exc})")
        return None
    if not trust.roots:
        check.problems.append(f"signedData: no root certificates to check the certificate of "
                              f"{domain} against (give --trust CA.pem)")
        return None
    try:
        verifier = (PolicyBuilder().store(Store(trust.roots)).time(when)
                    .build_server_verifier(DNSName(domain)))
        verifier.verify(chain[0], chain[1:])
        check.trusted_as = f"certificate issued by {subject_name(chain[-1])}, trusted root"
    except (VerificationError, ValueError) as exc:
        check.problems.append(f"signedData: the certificate of {domain} does not chain to a "
                              f"root you trust at {signed['created']} ({exc})")
    key = chain[0].public_key()
    if not isinstance(key, ec.EllipticCurvePublicKey):
        check.problems.append("signedData: domainCert's key is not ECDSA")
        return None
    return key


def _check_timestamp(signed: dict[str, str], trust: Trust, check: SignatureCheck) -> None:
    try:
        response = decode_timestamp_response(base64.b64decode(signed["timeSignature"]))
    except (ValueError, TypeError) as exc:
        check.problems.append(f"signedData: timeSignature is not an RFC 3161 response ({exc})")
        return
    gen_time = response.tst_info.gen_time.astimezone(timezone.utc)
    certs = [x509.load_der_x509_certificate(c) for c in response.signed_data.certificates]
    check.tsa = subject_name(certs[0]) if certs else "an unnamed TSA"
    if not trust.roots:
        check.problems.append("signedData: no root certificates to check the timestamp "
                              "against (give --trust TSA-CA.pem)")
        return
    try:
        VerifierBuilder(roots=list(trust.roots)).build().verify_message(
            response, signed["signature"].encode("utf-8"))
    except (TimestampVerificationError, ValueError) as exc:
        check.problems.append(f"signedData: the RFC 3161 timestamp does not verify as a "
                              f"timestamp of this signature by a TSA you trust "
                              f"({_openssl_reason(str(exc))})")
        return
    check.timestamp = gen_time.strftime("%Y-%m-%dT%H:%M:%SZ")
    try:
        created = _parse_time(signed["created"])
    except ValueError:
        check.problems.append(f"signedData: created {signed['created']!r} is not an ISO 8601 date")
        return
    if abs(gen_time - created) > STAMP_WINDOW:
        check.problems.append(f"signedData: created {signed['created']} is more than "
                              f"{STAMP_WINDOW} from the timestamp {check.timestamp}")


def _openssl_reason(message: str) -> str:
    """'unable to get local issuer certificate' out of an OpenSSL error stack's text."""
    match = re.search(r'data: "(?:Verify error:)?([^"]+)"', message)
    return match.group(1).strip() if match else message[:200]


def _parse_time(value: str) -> datetime:
    parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    if parsed.tzinfo is None:
        raise ValueError(f"{value!r} has no time zone")
    return parsed.astimezone(timezone.utc)
