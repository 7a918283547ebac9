"""``event-inspector mcp`` refuses flags that do not go together, before serving anything."""

from __future__ import annotations

import pytest

from inspector.testing.serve import cli


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["--plan", "p.yaml"], "--plan is for --data-dir"),
        (["--data-dir", "d", "--token", "t"], "--token is for --url"),
        (["--data-dir", "d", "--url", "http://127.0.0.1:8787"], "not allowed with argument"),
    ],
)
def test_flags_that_do_not_go_together(args, says, tmp_path):
    done = cli("mcp", *args, cwd=tmp_path, timeout=60)
    assert done.returncode == 2 and says in done.stderr and done.stdout == ""
