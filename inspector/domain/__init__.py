"""Pure domain: messages, capture records, store, lint, identity, query. No Qt, no aiohttp."""
