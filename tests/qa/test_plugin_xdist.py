"""Per test, per tester: pytest-xdist workers share one ``event-inspector serve`` and each test
sees only the events sent with its own write key (queries, waits, assertions, flow checks)."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
import urllib.request

import pytest

from inspector.testing.serve import serve

pytestmark = pytest.mark.timeout(180)

N = 5
USER_TESTS = textwrap.dedent(f"""
    import os, time
    import pytest
    import segment.analytics as sa

    N = {N}

    @pytest.mark.parametrize("i", range(4))
    def test_isolated(event_inspector, i):
        client = sa.Client(event_inspector.write_key, host=event_inspector.url,
                           upload_interval=0.05, max_retries=1)
        for k in range(N):  # every test: the same event name, the same user
            client.track("same-user", "Order Completed", {{"k": k, "i": i}})
        client.flush()
        client.shutdown()
        # the tests overlap for real: wait until another test's events are there too
        everyone = event_inspector.unscoped()
        deadline = time.monotonic() + 60
        while everyone.count('event:"Order Completed"') <= N and time.monotonic() < deadline:
            time.sleep(0.05)
        assert everyone.count('event:"Order Completed"') > N
        mine = event_inspector.wait_for('event:"Order Completed"', count=N)
        assert len(mine) == N and event_inspector.count() == N
        assert {{e.properties["i"] for e in mine}} == {{i}}
        key = event_inspector.write_key  # shown masked; the whole key finds exactly these
        assert everyone.count(f'writekey:"{{key}}"') == N
        event_inspector.expect({{"q": 'event:"Order Completed"', "count": N}})
        flow = {{"name": "mine", "steps": [{{"q": "properties.k:0"}}, {{"q": "properties.k:4"}}]}}
        assert event_inspector.check_flow(flow)["passed"]
        with pytest.raises(AssertionError) as info:  # one more never comes: not from others
            event_inspector.wait_for('event:"Order Completed"', count=N + 1, timeout=0.3)
        assert info.value.body["arrived"]["total"] == N
        assert all(m["event"]["properties"]["i"] == i
                   for m in info.value.body["closestMisses"]["events"])
        print("ran on", os.environ["PYTEST_XDIST_WORKER"])
""")


def test_parallel_tests_against_one_collector_never_see_each_other(tmp_path):
    (tmp_path / "test_user.py").write_text(USER_TESTS)
    with serve(tmp_path / "data") as url:
        r = subprocess.run(
            [
                sys.executable,
                "-m",
                "pytest",
                "-n",
                "2",
                "-v",
                "-s",
                "-p",
                "no:cacheprovider",
                f"--event-inspector-url={url}",
                "test_user.py",
            ],
            capture_output=True,
            text=True,
            timeout=170,
            cwd=tmp_path,
        )
        assert r.returncode == 0, r.stdout[-5000:] + r.stderr[-3000:]
        assert "4 passed" in r.stdout
        # two workers really ran them
        assert "[gw0] PASSED" in r.stdout and "[gw1] PASSED" in r.stdout
        with urllib.request.urlopen(f"{url}/api/events?limit=0", timeout=30) as resp:
            assert json.loads(resp.read())["total"] == 4 * N  # never cleared: a shared collector


def test_the_environment_variable_works_too(tmp_path):
    (tmp_path / "test_env.py").write_text(
        "def test_key(event_inspector):\n"
        "    assert event_inspector.url == __import__('os').environ['EVENT_INSPECTOR_URL']\n"
        "    assert event_inspector.write_key.startswith('ei-test_key-')\n"
        "    assert event_inspector.count() == 0\n"
    )
    with serve(tmp_path / "data") as url:
        import os

        r = subprocess.run(
            [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "test_env.py"],
            capture_output=True,
            text=True,
            timeout=120,
            cwd=tmp_path,
            # not an xdist worker itself, even when this test runs in one
            env={
                **{k: v for k, v in os.environ.items() if not k.startswith("PYTEST_XDIST")},
                "EVENT_INSPECTOR_URL": url,
            },
        )
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-2000:]
