"""The real web app (uvicorn + create_server_app) on a 127.0.0.1 socket, for HTTP tests."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import uvicorn

from meet2know.server import create_server_app
from meet2know.wiring import App

START_TIMEOUT = 10.0


def free_socket() -> socket.socket:
    """A socket bound to a free 127.0.0.1 port (bound first, so its URL is known early)."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    return sock


@asynccontextmanager
async def web_server(app: App, sock: socket.socket | None = None) -> AsyncIterator[str]:
    """Serve the app (its lifespan starts Telegram when configured); yield its base URL."""
    sock = sock or free_socket()
    config = uvicorn.Config(
        create_server_app(app),
        log_level="warning",
        access_log=False,
        lifespan="on",
        timeout_graceful_shutdown=2,
    )
    web = uvicorn.Server(config)
    task = asyncio.create_task(web.serve(sockets=[sock]))
    try:
        async with asyncio.timeout(START_TIMEOUT):
            while not web.started:
                if task.done():
                    task.result()  # raises what stopped the server
                    raise RuntimeError("the web server stopped during start-up")
                await asyncio.sleep(0.01)
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        web.should_exit = True
        await asyncio.wait_for(task, START_TIMEOUT)
        sock.close()
