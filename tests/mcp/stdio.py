"""``event-inspector mcp`` as an agent runs it: a subprocess driven by the official SDK's stdio
client, held open in a thread of its own so that tests call tools one after another."""

from __future__ import annotations

import asyncio
import json
import sys
import tempfile
import threading
from concurrent.futures import Future
from typing import Any

from mcp import ClientSession, StdioServerParameters, stdio_client
from mcp.types import CallToolResult

CLI = [sys.executable, "-m", "inspector"]


class McpServerProcess:
    """``event-inspector mcp ARGS`` with an initialized client session; ``call`` is sync."""

    def __init__(
        self,
        *args: str,
        env: dict[str, str] | None = None,
        cwd: str | None = None,
        command: list[str] | None = None,
    ):
        """``event-inspector mcp ARGS``, or ``command`` as is (an agent's config entry)."""
        cmd = command or [*CLI, "mcp", *args]
        self.params = StdioServerParameters(command=cmd[0], args=cmd[1:], env=env, cwd=cwd)
        self.loop = asyncio.new_event_loop()
        self.ready: Future[ClientSession] = Future()
        self.stop = asyncio.Event()
        self.thread = threading.Thread(target=self.loop.run_until_complete, args=(self._main(),))
        self.thread.daemon = True
        self.stderr = tempfile.TemporaryFile("w+")  # noqa: SIM115 - closed in close()

    async def _main(self) -> None:
        try:
            async with (
                stdio_client(self.params, errlog=self.stderr) as (read, write),
                ClientSession(read, write) as session,
            ):
                self.info = await session.initialize()
                self.ready.set_result(session)
                await self.stop.wait()
        except BaseException as exc:
            if not self.ready.done():
                self.ready.set_exception(exc)
            raise

    def __enter__(self) -> McpServerProcess:
        self.thread.start()
        self.session = self.ready.result(timeout=60)
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def close(self) -> None:
        if self.thread.is_alive():
            self.loop.call_soon_threadsafe(self.stop.set)
            self.thread.join(30)
        self.stderr.close()

    def run(self, coro: Any, timeout: float = 60) -> Any:
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout)

    def call(self, tool: str, **arguments: Any) -> CallToolResult:
        return self.run(self.session.call_tool(tool, arguments))

    def answer(self, tool: str, **arguments: Any) -> dict[str, Any]:
        """The tool's JSON answer; fails the test on a tool error."""
        res = self.call(tool, **arguments)
        text = res.content[0].text  # type: ignore[union-attr]
        assert not res.is_error, text
        body = json.loads(text)
        assert res.structured_content == body
        return body

    def error(self, tool: str, **arguments: Any) -> dict[str, Any]:
        """The tool's error, as the JSON body the API would answer."""
        res = self.call(tool, **arguments)
        text = res.content[0].text  # type: ignore[union-attr]
        assert res.is_error, text
        return json.loads(text)
