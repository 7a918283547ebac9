"""HTTPS for the collector: the local CA's server certificate in an ``ssl`` context."""

from __future__ import annotations

import ssl
from pathlib import Path

from inspector.domain.certs import TlsFiles, ensure_certificates
from inspector.domain.netaddrs import LOOPBACK_ADDRESSES, host_names, lan_addresses

# the Android emulator's name for this machine's loopback
EMULATOR_HOST = "10.0.2.2"


def machine_certificates(data_dir: Path, extra_addresses: tuple[str, ...] = ()) -> TlsFiles:
    """The CA and a certificate for this machine's names and every address it has now."""
    addresses = [*LOOPBACK_ADDRESSES, EMULATOR_HOST, *lan_addresses(), *extra_addresses]
    return ensure_certificates(data_dir / "tls", host_names(), list(dict.fromkeys(addresses)))


def server_context(files: TlsFiles) -> ssl.SSLContext:
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ctx.minimum_version = ssl.TLSVersion.TLSv1_2
    ctx.load_cert_chain(files.server_cert, files.server_key)
    return ctx
