"""Which processes a console script starts, per subcommand (issue 14; session 18's marimo regression
and python-matter-server's misses).

- one console script whose click group has serving, looping and one-shot subcommands: each is
  judged by itself, and what only a one-shot subcommand reaches is a CLI's (marimo's `convert`);
- the group's subcommands declared in other modules (rq's `workers.py`), named by their decorator
  (chainlit's `@cli.command("run") def chainlit_run`), and a typer app's commands;
- a console script whose package `__init__` only re-exports its function (mlserver);
- aiorun's `run()` as a long-lived start (python-matter-server, hass-emulated-hue).

Each test writes a small project and asks `process_model` (what `crashlint processes` prints) or
runs a scan.
"""

from __future__ import annotations

from pathlib import Path

from crashlint.scan import process_model, scan
from helpers import write_project as _write


def _model(root: Path):
    _, model, _ = process_model([str(root)])
    return model


def _found(root: Path) -> set[tuple[str, str, int]]:
    return {(f.rule_id, f.location.path, f.location.start_line) for f in scan([str(root)]).findings}


def _pyproject(scripts: str) -> str:
    return f'[project]\nname = "tool"\nversion = "1"\n\n[project.scripts]\n{scripts}\n'


RQ_LIKE = {
    # rq's shape: the group in cli.py, its `worker` subcommand in workers.py (which imports the group)
    # (rq/cli/__init__.py: `from .cli import main`, `from .workers import worker`)
    "pyproject.toml": _pyproject('jobs = "jobs.cli:main"'),
    "jobs/__init__.py": "",
    "jobs/cli/__init__.py": "from .cli import main\nfrom .workers import worker\n",
    "jobs/cli/cli.py": "import click\n\n\n@click.group()\ndef main():\n    pass\n\n\n"
                       "@main.command()\ndef info():\n    print('3 jobs')\n",
    "jobs/cli/workers.py": "import time\n\nimport requests\n\nfrom .cli import main\n\n\n"
                       "@main.command()\ndef worker():\n    while True:\n        requests.get('https://queue.example/next')\n"
                       "        time.sleep(1)\n",
}


def test_a_subcommand_declared_in_another_module_makes_the_script_a_worker(tmp_path: Path) -> None:
    _write(tmp_path, RQ_LIKE)
    jobs = next(p for p in _model(tmp_path).processes if p.name == "jobs")
    assert jobs.kind == "worker"
    assert any("subcommands: worker runs a loop; info runs once" in e for e in jobs.evidence), jobs.evidence
    assert ("CL008", "jobs/cli/workers.py", 11) in _found(tmp_path)


def test_a_one_shot_group_stays_a_command(tmp_path: Path) -> None:
    """Near-miss: the same group whose `worker` fetches once and ends."""
    project = dict(RQ_LIKE)
    project["jobs/cli/workers.py"] = ("import requests\n\nfrom .cli import main\n\n\n"
                                  "@main.command()\ndef worker():\n    requests.get('https://queue.example/next')\n")
    _write(tmp_path, project)
    assert next(p for p in _model(tmp_path).processes if p.name == "jobs").kind == "cli"
    assert not _found(tmp_path)


def test_a_subcommand_is_named_by_its_decorator(tmp_path: Path) -> None:
    """chainlit's `@cli.command("run") def chainlit_run`: the name a user types is `run`."""
    _write(tmp_path, {
        "pyproject.toml": _pyproject('chat = "chat.cli:cli"'),
        "chat/__init__.py": "",
        "chat/cli.py": "import click\nimport uvicorn\n\n\n@click.group()\ndef cli():\n    pass\n\n\n"
                       "@cli.command(\"run\")\n@click.option(\"--host\")\ndef chat_run(host):\n    uvicorn.run(\"chat.app:app\", host=host)\n\n\n"
                       "@cli.command(\"create-secret\")\ndef chat_secret():\n    print('s3cret')\n",
    })
    chat = next(p for p in _model(tmp_path).processes if p.name == "chat")
    assert chat.kind == "server"
    assert any(e.endswith("subcommands: run serves; create-secret runs once (what only it reaches is a CLI's)") for e in chat.evidence), chat.evidence


def test_a_typer_app_command_that_loops(tmp_path: Path) -> None:
    _write(tmp_path, {
        "pyproject.toml": _pyproject('bot = "bot.cli:app"'),
        "bot/__init__.py": "",
        "bot/cli.py": "import time\n\nimport typer\n\napp = typer.Typer()\n\n\n@app.command()\ndef poll():\n"
                      "    while True:\n        time.sleep(5)\n\n\n@app.command()\ndef version():\n    print('1')\n",
    })
    bot = next(p for p in _model(tmp_path).processes if p.name == "bot")
    assert bot.kind == "worker"
    assert any("subcommands: poll runs a loop; version runs once" in e for e in bot.evidence), bot.evidence


def test_a_console_script_re_exported_by_its_package(tmp_path: Path) -> None:
    """mlserver's `mlserver = mlserver.cli:main`, whose `cli/__init__.py` is `from .main import main`,
    and whose `main()` runs the group `root(obj=…)`; its `infer` consumers are tasks it cancels."""
    _write(tmp_path, {
        "pyproject.toml": _pyproject('ml = "ml.cli:main"'),
        "ml/__init__.py": "",
        "ml/cli/__init__.py": "from .main import main\n\n__all__ = [\"main\"]\n",
        "ml/cli/main.py": "import asyncio\n\nimport click\nimport uvicorn\n\n\n@click.group()\ndef root():\n    pass\n\n\n"
                          "@root.command()\ndef start():\n    uvicorn.run(\"ml.app:app\")\n\n\n"
                          "async def consume(queue):\n    while True:\n        await queue.get()\n        queue.task_done()\n\n\n"
                          "async def batch():\n    queue = asyncio.Queue()\n    workers = [asyncio.create_task(consume(queue))]\n"
                          "    await queue.join()\n    for w in workers:\n        w.cancel()\n    await asyncio.gather(*workers)\n\n\n"
                          "@root.command()\ndef infer():\n    asyncio.run(batch())\n\n\n"
                          "def main():\n    root(obj={})\n",
    })
    ml = next(p for p in _model(tmp_path).processes if any("console script ml = ml.cli:main" in e for e in p.evidence))
    assert ml.kind == "server"
    assert any("subcommands: start serves; infer runs once" in e for e in ml.evidence), ml.evidence


def test_aiorun_run_starts_a_long_lived_program(tmp_path: Path) -> None:
    """python-matter-server's `run(server.start(), shutdown_callback=handle_stop)` (aiorun): the loop
    runs until SIGTERM, so the tasks `start()` drops are a worker's; CL012 counts aiorun's handler."""
    _write(tmp_path, {
        "pyproject.toml": _pyproject('hub = "hub.main:main"'),
        "hub/__init__.py": "",
        "hub/main.py": "import asyncio\n\nfrom aiorun import run\n\n\nclass Hub:\n    async def start(self):\n"
                       "        asyncio.create_task(self.poll())\n\n    async def poll(self):\n        while True:\n"
                       "            await asyncio.sleep(1)\n\n    async def stop(self, loop):\n        pass\n\n\n"
                       "def main():\n    hub = Hub()\n    run(hub.start(), shutdown_callback=hub.stop)\n",
    })
    hub = next(p for p in _model(tmp_path).processes if p.name == "hub")
    assert hub.kind == "worker"
    found = _found(tmp_path)
    assert ("CL003", "hub/main.py", 8) in found
    assert not any(rule == "CL012" for rule, _, _ in found)
