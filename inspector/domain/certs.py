"""A local certificate authority and a server certificate phones and emulators accept.

On first use a CA is created in ``<data-dir>/tls/`` and kept (keys mode 0600); the server
certificate it signs names every name and address given. It is made again when those change,
when it is within 30 days of expiry, or when the CA changed. What iOS and Android require of a
trusted TLS server certificate (Apple: "Requirements for trusted certificates in iOS 13 and
macOS 10.15"), all met here: ECDSA P-256 keys, SHA-256 signatures, DNS and IP names in the
subjectAltName, the serverAuth extended key usage, a leaf valid 397 days (≤ 398), and a CA
with basicConstraints CA:TRUE and keyUsage keyCertSign.
"""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

CA_DAYS = 3650
LEAF_DAYS = 397
RENEW_BEFORE = timedelta(days=30)
ORG = "Event Inspector"


@dataclass(frozen=True, slots=True)
class TlsFiles:
    """Where the CA and the server certificate live."""

    directory: Path

    @property
    def ca_cert(self) -> Path:
        return self.directory / "ca.pem"

    @property
    def ca_key(self) -> Path:
        return self.directory / "ca-key.pem"

    @property
    def server_cert(self) -> Path:
        return self.directory / "server.pem"

    @property
    def server_key(self) -> Path:
        return self.directory / "server-key.pem"

    def ca_pem(self) -> bytes:
        return self.ca_cert.read_bytes()

    def ca_der(self) -> bytes:
        cert = x509.load_pem_x509_certificate(self.ca_pem())
        return cert.public_bytes(serialization.Encoding.DER)


def _write(path: Path, data: bytes, mode: int) -> None:
    tmp = path.with_suffix(path.suffix + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
    with os.fdopen(fd, "wb") as f:
        f.write(data)
    os.chmod(tmp, mode)
    os.replace(tmp, path)


def _key_pem(key: ec.EllipticCurvePrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


def _new_ca(files: TlsFiles, label: str, now: datetime) -> None:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, ORG),
            x509.NameAttribute(NameOID.COMMON_NAME, f"Event Inspector local CA ({label})"[:64]),
        ]
    )
    ski = x509.SubjectKeyIdentifier.from_public_key(key.public_key())
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(hours=1))
        .not_valid_after(now + timedelta(days=CA_DAYS))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(ski, critical=False)
        .sign(key, hashes.SHA256())
    )
    files.directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    _write(files.ca_key, _key_pem(key), 0o600)
    _write(files.ca_cert, cert.public_bytes(serialization.Encoding.PEM), 0o644)


def _san(names: Sequence[str], addresses: Sequence[str]) -> list[x509.GeneralName]:
    out: list[x509.GeneralName] = [x509.DNSName(n) for n in dict.fromkeys(names)]
    for a in dict.fromkeys(addresses):
        out.append(x509.IPAddress(ipaddress.ip_address(a)))
    return out


def _new_leaf(
    files: TlsFiles, names: Sequence[str], addresses: Sequence[str], now: datetime
) -> None:
    ca_key = serialization.load_pem_private_key(files.ca_key.read_bytes(), password=None)
    assert isinstance(ca_key, ec.EllipticCurvePrivateKey)
    ca_cert = x509.load_pem_x509_certificate(files.ca_pem())
    key = ec.generate_private_key(ec.SECP256R1())
    cn = (list(names) or list(addresses) or ["localhost"])[0]
    cert = (
        x509.CertificateBuilder()
        .subject_name(
            x509.Name(
                [
                    x509.NameAttribute(NameOID.ORGANIZATION_NAME, ORG),
                    x509.NameAttribute(NameOID.COMMON_NAME, cn[:64]),
                ]
            )
        )
        .issuer_name(ca_cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(hours=1))
        .not_valid_after(now + timedelta(days=LEAF_DAYS))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(x509.SubjectAlternativeName(_san(names, addresses)), critical=False)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False
        )
        .sign(ca_key, hashes.SHA256())
    )
    _write(files.server_key, _key_pem(key), 0o600)
    _write(files.server_cert, cert.public_bytes(serialization.Encoding.PEM), 0o644)


def covered(cert: x509.Certificate) -> tuple[set[str], set[str]]:
    """The DNS names and IP addresses a certificate's subjectAltName lists."""
    try:
        san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    except x509.ExtensionNotFound:
        return set(), set()
    ips = {str(ip) for ip in san.get_values_for_type(x509.IPAddress)}
    return set(san.get_values_for_type(x509.DNSName)), ips


def _leaf_is_current(
    files: TlsFiles, names: Sequence[str], addresses: Sequence[str], now: datetime
) -> bool:
    try:
        cert = x509.load_pem_x509_certificate(files.server_cert.read_bytes())
        ca = x509.load_pem_x509_certificate(files.ca_pem())
        files.server_key.stat()
    except (OSError, ValueError):
        return False
    want = (set(names), {str(ipaddress.ip_address(a)) for a in addresses})
    return (
        covered(cert) == want
        and cert.issuer == ca.subject
        and cert.not_valid_after_utc - RENEW_BEFORE > now
    )


def ensure_certificates(
    directory: Path,
    names: Sequence[str],
    addresses: Sequence[str],
    *,
    now: datetime | None = None,
) -> TlsFiles:
    """The CA (made once) and a server certificate for exactly these names and addresses."""
    now = now or datetime.now(UTC)
    files = TlsFiles(directory)
    try:
        x509.load_pem_x509_certificate(files.ca_pem())
        files.ca_key.stat()
    except (OSError, ValueError):
        _new_ca(files, names[1] if len(names) > 1 else "this machine", now)
    if not _leaf_is_current(files, names, addresses, now):
        _new_leaf(files, names, addresses, now)
    return files
