"""The ingest tests use the collector tests' HTTP helper and fixtures (one real collector on
127.0.0.1 per test)."""

from tests.collector.conftest import Api, api, collector

__all__ = ["Api", "api", "collector"]
