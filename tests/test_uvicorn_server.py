"""`uvicorn.Server(config)` serves (solara's `solara run`, marimo's `marimo edit`): uvicorn's
programmatic API — `config = uvicorn.Config(app, …)`, `server = uvicorn.Server(config)`,
`server.run()` — is `uvicorn.run` spelled out (www.uvicorn.org/deployment/#running-programmatically:
"config = uvicorn.Config(…); server = uvicorn.Server(config); await server.serve()"), and uvicorn's
Server installs its SIGTERM/SIGINT handlers (uvicorn/server.py `capture_signals`). A program that
builds one is a hosted server, not a worker because a loop of its app is met first.
"""

from __future__ import annotations

from pathlib import Path

from crashlint.scan import process_model, scan
from helpers import write_project as _write

SOLARA = {
    "pyproject.toml": '[project]\nname = "dash"\ndependencies = ["starlette", "uvicorn", "click"]\n\n'
                      '[project.scripts]\ndash = "dash.__main__:main"\n',
    "dash/__init__.py": "",
    "dash/server/__init__.py": "",
    "dash/server/ws.py": "import asyncio\n\n\nclass Connection:\n    def __init__(self, ws):\n        self.ws = ws\n"
                         "        self.to_send = []\n        self.task = asyncio.ensure_future(self.process_messages())\n\n"
                         "    async def process_messages(self):\n        while True:\n            await asyncio.sleep(0.05)\n"
                         "            while self.to_send:\n                await self.ws.send_text(self.to_send.pop(0))\n",
    "dash/server/app.py": "from starlette.applications import Starlette\nfrom starlette.routing import WebSocketRoute\n\n"
                          "from dash.server.ws import Connection\n\n\nasync def endpoint(ws):\n    await ws.accept()\n"
                          "    conn = Connection(ws)\n    await conn.task\n\n\n"
                          "app = Starlette(routes=[WebSocketRoute('/ws', endpoint)])\n",
    "dash/__main__.py": "import click\nimport uvicorn\n\n\n@click.group()\ndef main():\n    pass\n\n\n@main.command()\n"
                        "@click.option('--port', default=8765)\ndef run(port):\n"
                        "    config = uvicorn.Config('dash.server.app:app', port=port)\n"
                        "    server = uvicorn.Server(config=config)\n    server.run()\n\n\n"
                        "if __name__ == '__main__':\n    main()\n",
}


def test_a_program_that_builds_a_uvicorn_server_serves(tmp_path: Path) -> None:
    _write(tmp_path, SOLARA)
    _, model, _ = process_model([str(tmp_path)])
    main = next(p for p in model.processes if "dash/__main__.py" in p.entries)
    assert main.kind == "server"
    # ok: the websocket's message loop runs inside the server uvicorn stops on SIGTERM: no CL012
    assert not [f for f in scan([str(tmp_path)], select=["CL012"]).findings if f.location.path == "dash/server/ws.py"]
