"""The local CA and server certificate: what iOS and Android require, kept and renewed."""

from __future__ import annotations

import ipaddress
import stat
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID

from inspector.collector.tls import machine_certificates
from inspector.domain.certs import covered, ensure_certificates
from inspector.domain.netaddrs import host_names, lan_addresses

NAMES = ["localhost", "devbox", "devbox.local"]
ADDRS = ["127.0.0.1", "::1", "192.0.2.10"]


def load(path: Path) -> x509.Certificate:
    return x509.load_pem_x509_certificate(path.read_bytes())


def key_ok(cert: x509.Certificate) -> None:
    key = cert.public_key()
    if isinstance(key, rsa.RSAPublicKey):
        assert key.key_size >= 2048
    else:
        assert isinstance(key, ec.EllipticCurvePublicKey)
        assert key.curve.name in ("secp256r1", "secp384r1")


def test_server_certificate_meets_apples_rules(tmp_path: Path) -> None:
    files = ensure_certificates(tmp_path / "tls", NAMES, ADDRS)
    leaf, ca = load(files.server_cert), load(files.ca_cert)
    dns, ips = covered(leaf)
    assert dns == set(NAMES)
    assert ips == {"127.0.0.1", "::1", "192.0.2.10"}
    eku = leaf.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
    assert ExtendedKeyUsageOID.SERVER_AUTH in list(eku)
    assert isinstance(leaf.signature_hash_algorithm, hashes.SHA256)
    key_ok(leaf)
    lifetime = leaf.not_valid_after_utc - leaf.not_valid_before_utc
    assert lifetime <= timedelta(days=398)
    assert leaf.extensions.get_extension_for_class(x509.BasicConstraints).value.ca is False
    # signed by the CA
    leaf.verify_directly_issued_by(ca)
    # the CA
    bc = ca.extensions.get_extension_for_class(x509.BasicConstraints)
    assert bc.value.ca is True and bc.critical
    ku = ca.extensions.get_extension_for_class(x509.KeyUsage).value
    assert ku.key_cert_sign
    assert isinstance(ca.signature_hash_algorithm, hashes.SHA256)
    key_ok(ca)
    ca.verify_directly_issued_by(ca)


def test_keys_are_private_and_kept_across_runs(tmp_path: Path) -> None:
    first = ensure_certificates(tmp_path / "tls", NAMES, ADDRS)
    for key in (first.ca_key, first.server_key):
        assert stat.S_IMODE(key.stat().st_mode) == 0o600
    ca, leaf = first.ca_pem(), first.server_cert.read_bytes()
    again = ensure_certificates(tmp_path / "tls", NAMES, ADDRS)
    assert again.ca_pem() == ca and again.server_cert.read_bytes() == leaf


def test_new_addresses_make_a_new_certificate_from_the_same_ca(tmp_path: Path) -> None:
    first = ensure_certificates(tmp_path / "tls", NAMES, ADDRS)
    ca, leaf = first.ca_pem(), first.server_cert.read_bytes()
    moved = ensure_certificates(tmp_path / "tls", NAMES, ["127.0.0.1", "::1", "198.51.100.7"])
    assert moved.ca_pem() == ca
    assert moved.server_cert.read_bytes() != leaf
    assert covered(load(moved.server_cert))[1] == {"127.0.0.1", "::1", "198.51.100.7"}


def test_a_certificate_near_expiry_is_renewed(tmp_path: Path) -> None:
    past = datetime.now(UTC) - timedelta(days=380)
    old = ensure_certificates(tmp_path / "tls", NAMES, ADDRS, now=past)
    leaf = old.server_cert.read_bytes()
    renewed = ensure_certificates(tmp_path / "tls", NAMES, ADDRS)
    assert renewed.server_cert.read_bytes() != leaf
    assert load(renewed.server_cert).not_valid_after_utc > datetime.now(UTC) + timedelta(days=300)


def test_the_machine_certificate_covers_its_names_and_addresses(tmp_path: Path) -> None:
    files = machine_certificates(tmp_path)
    dns, ips = covered(load(files.server_cert))
    assert {"localhost", *host_names()} <= dns
    want = {"127.0.0.1", "::1", "10.0.2.2"}
    want |= {str(ipaddress.ip_address(a)) for a in lan_addresses()}
    assert want == ips
