"""What tests need, shipped with the package (as mitmproxy ships ``tflow``): the pytest plugin
(:mod:`.plugin`) and its client (:mod:`.client`), the one collector harness (:mod:`.collector`,
a collector on its own thread), ``serve`` as a subprocess (:mod:`.serve`) and event factories
(:mod:`.events`). Importing this package imports none of them (nor aiohttp)."""
