"""``event-inspector mcp``: an MCP server over stdio so coding agents can check the tracking
code they write against what the app actually sent.

The tools read a running collector's query API (:mod:`inspector.mcp.http_backend`) or a data
directory opened read-only (:mod:`inspector.mcp.store_backend`); :mod:`inspector.mcp.server`
declares them with the official ``mcp`` SDK; :mod:`inspector.mcp.answers` keeps their answers
small. No Qt here (an import-linter contract).
"""
