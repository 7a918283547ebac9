"""The client tests' fixtures (a live collector, the npm packages), for the TLS tests too."""

from tests.clients.conftest import collector, node_modules

__all__ = ["collector", "node_modules"]
