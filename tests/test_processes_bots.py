"""Which Python process loads which code (issue 14, reviewer 11's Python lessons 1, 3, 4, 7, 8):
package-internal pytest plugins, scripts run by their path, `python -O` start commands, bot
extensions loaded by name, and the SIGTERM handling of Discord bots (CL012).

Each test writes a small project shaped like the service it comes from (pulpcore, galaxy_ng,
Pythonista-Bot, avrae, modmail) and asks the process model or a scan.
"""

from __future__ import annotations

from pathlib import Path

from crashlint.scan import process_model, scan
from helpers import write_project as _write


def _model(root: Path):
    _, model, _ = process_model([str(root)])
    return model


def _found(root: Path, **options) -> set[tuple[str, str]]:
    return {(f.rule_id, f.location.path) for f in scan([str(root)], **options).findings}


DJANGO = {
    "pyproject.toml": '[project]\nname = "depot"\ndependencies = ["django", "requests"]\n\n'
                      '[project.entry-points."pytest11"]\ndepot = "depot.pytest_plugin"\n',
    "depot/__init__.py": "",
    "depot/wsgi.py": "from django.core.wsgi import get_wsgi_application\napplication = get_wsgi_application()\n",
    "depot/views.py": "import requests\n\n\ndef sync(request):\n    return requests.get('https://upstream.example/api').json()\n",
}


def test_a_packages_pytest_plugin_is_test_code_inside_a_django_project(tmp_path: Path) -> None:
    # pulpcore's `pulpcore/pytest_plugin.py`, registered under the pytest11 entry point: the
    # functional test suite loads it, not the API server, though "every module of the package
    # loads through settings"
    _write(tmp_path, {
        **DJANGO,
        "depot/pytest_plugin.py": "import pytest\nimport requests\n\n\n@pytest.fixture\n"
                                  "def http_get():\n    return lambda url: requests.get(url).content\n",
    })
    model = _model(tmp_path)
    assert model.roles["depot/pytest_plugin.py"] == "test"
    assert model.roles["depot/views.py"] == "server"
    assert _found(tmp_path, select=["CL008"]) == {("CL008", "depot/views.py")}


def test_a_script_run_by_its_path_is_a_command_not_a_server_module(tmp_path: Path) -> None:
    # galaxy_ng's `profiles/dab/make_test_data.py` (run by a shell script) and
    # `galaxy-operator/bin/readyz.py` (a compose healthcheck's `test:`): `#!` scripts nothing
    # imports, whose top level calls requests and ends. A module with the same calls and no `#!`
    # line stays judged by its path; a `#!` script whose top level loops is a worker.
    _write(tmp_path, {
        "requirements.txt": "requests\n",
        "svc/__init__.py": "",
        "svc/notify.py": "import requests\n\nrequests.post('https://hooks.example/boot')\n",
        "profiles/make_test_data.py": "#!/usr/bin/env python\nimport requests\n\n"
                                      "rr = requests.get('https://localhost/api/')\nprint(rr.json())\n",
        "operator/bin/readyz.py": "#!/usr/bin/env python3\nimport sys\nimport requests\n\n\ndef check(path):\n"
                                  "    requests.head('http://127.0.0.1:8000' + path).raise_for_status()\n    sys.exit(0)\n\n\n"
                                  "check(sys.argv[1])\n",
        "svc/poller.py": "#!/usr/bin/env python\nimport time\nimport requests\n\nwhile True:\n"
                         "    requests.get('https://upstream.example/feed')\n    time.sleep(30)\n",
    })
    model = _model(tmp_path)
    assert model.roles["profiles/make_test_data.py"] == "tooling"
    assert model.roles["operator/bin/readyz.py"] == "tooling"
    assert model.roles["svc/notify.py"] == "server"
    assert model.roles["svc/poller.py"] == "server"
    assert _found(tmp_path, select=["CL008"]) == {("CL008", "svc/notify.py"), ("CL008", "svc/poller.py")}


BOT = {
    "pyproject.toml": '[project]\nname = "guildbot"\ndependencies = ["discord.py>=2.3", "aiohttp"]\n',
    "Dockerfile": 'FROM python:3.12\nCOPY . /app\nENTRYPOINT ["poetry", "run", "python", "-O", "launcher.py"]\n',
    "core/__init__.py": "from .bot import Bot\n",
    "core/bot.py": "from discord.ext import commands\n\n\nclass Bot(commands.Bot):\n    pass\n",
}


def test_a_python_start_command_with_interpreter_options_names_its_program(tmp_path: Path) -> None:
    # Pythonista-Bot's `ENTRYPOINT ["poetry", "run", "python", "-O", "launcher.py"]`
    _write(tmp_path, {
        **BOT,
        "launcher.py": "import asyncio\nimport core\n\n\nasync def main():\n    async with core.Bot(command_prefix='!') as bot:\n"
                       "        await bot.start('token')\n\n\nasyncio.run(main())\n",
    })
    model = _model(tmp_path)
    assert [p.entries for p in model.processes if p.long_lived] == [["launcher.py"]]
    assert any("python -O launcher.py" in e for p in model.processes for e in p.evidence)


def test_cogs_loaded_by_name_run_in_the_bot(tmp_path: Path) -> None:
    # avrae's `for cog in COGS: bot.load_extension(cog)` over a tuple of dotted names, and a literal
    # `bot.load_extension("cogs.admin")`: the cogs' dropped tasks run in the bot process
    task = "import asyncio\n\n\nclass {0}:\n    def __init__(self, bot):\n        bot.loop.create_task(self.tick())\n\n" \
           "    async def tick(self):\n        await asyncio.sleep(1)\n\n\ndef setup(bot):\n    bot.add_cog({0}(bot))\n"
    _write(tmp_path, {
        **BOT,
        "Dockerfile": 'FROM python:3.12\nCOPY . /app\nENTRYPOINT ["python", "launcher.py"]\n',
        "launcher.py": "import asyncio\nimport core\n\nCOGS = ('cogs.stats', 'cogs.publicity')\n\n\nasync def main():\n"
                       "    bot = core.Bot(command_prefix='!')\n    await bot.load_extension('cogs.admin')\n"
                       "    for cog in COGS:\n        await bot.load_extension(cog)\n"
                       "    import signal\n    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, bot.loop.stop)\n"
                       "    await bot.start('token')\n\n\nasyncio.run(main())\n",
        "cogs/__init__.py": "",
        "cogs/admin.py": task.format("Admin"),
        "cogs/stats.py": task.format("Stats"),
        "cogs/publicity.py": task.format("Publicity"),
    })
    model = _model(tmp_path)
    for cog in ("cogs/admin.py", "cogs/stats.py", "cogs/publicity.py"):
        assert model.roles[cog] == "server", cog
    assert _found(tmp_path, select=["CL003"]) == {("CL003", "cogs/admin.py"), ("CL003", "cogs/stats.py"), ("CL003", "cogs/publicity.py")}


def test_a_discord_bot_with_no_sigterm_handler_is_reported_once(tmp_path: Path) -> None:
    # modmail's `asyncio.run(runner())` whose runner awaits `self.start(self.token)`, and
    # Pythonista-Bot's `asyncio.run(main())` → `await bot.start(token)`: discord.py's start() (and its
    # run() since 2.0) installs no signal handler, so SIGTERM skips every `async with` exit
    _write(tmp_path, {
        **BOT,
        "core/bot.py": "import asyncio\nfrom discord.ext import commands\n\n\nclass Bot(commands.Bot):\n"
                       "    def run(self):\n        async def runner():\n            async with self:\n"
                       "                await self.start('token')  # ruleid: CL012\n\n        asyncio.run(runner())\n",
        "launcher.py": "import core\n\ncore.Bot(command_prefix='!').run()\n",
    })
    assert _found(tmp_path, select=["CL012"]) == {("CL012", "core/bot.py")}
    findings = [f for f in scan([str(tmp_path)], select=["CL012"]).findings]
    assert len(findings) == 1 and "registers no SIGTERM handler" in findings[0].problems[0]


def test_a_bot_that_handles_sigterm_is_not_reported(tmp_path: Path) -> None:
    _write(tmp_path, {
        **BOT,
        "launcher.py": "import asyncio\nimport signal\nimport core\n\n\nasync def main():\n    bot = core.Bot(command_prefix='!')\n"
                       "    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, lambda: asyncio.ensure_future(bot.close()))\n"
                       "    await bot.start('token')\n\n\nasyncio.run(main())\n",
    })
    assert _found(tmp_path, select=["CL012"]) == set()


def test_disnakes_run_installs_its_own_sigterm_handler(tmp_path: Path) -> None:
    # avrae: disnake 2.10's Client.run() does `loop.add_signal_handler(signal.SIGTERM, lambda:
    # loop.stop())`, then cancels the tasks and closes the bot; a cog's pub/sub loop stops with it.
    # The same bot on discord.py (whose run() installs none since 2.0) is reported at its loop.
    cog = "import asyncio\n\n\nclass Admin:\n    def __init__(self, bot):\n        self.task = bot.loop.create_task(self.listen())\n\n" \
          "    async def listen(self):\n        while True:\n            await asyncio.sleep(5)\n\n\n" \
          "def setup(bot):\n    bot.add_cog(Admin(bot))\n"
    for library, expected in (("disnake", set()), ("discord", {("CL012", "cogs/admin.py")})):
        root = tmp_path / library
        _write(root, {
            "requirements.txt": f"{library}\n",
            "Dockerfile": "FROM python:3.12\nENTRYPOINT python dbot.py\n",
            "dbot.py": f"from {library}.ext import commands\n\n\nclass Avrae(commands.AutoShardedBot):\n    pass\n\n\n"
                       "bot = Avrae(command_prefix='!')\n\nif __name__ == '__main__':\n"
                       "    bot.load_extension('cogs.admin')\n    bot.run('token')\n",
            "cogs/__init__.py": "",
            "cogs/admin.py": cog,
        })
        assert _found(root, select=["CL012"]) == expected, library


def test_a_main_block_that_reads_input_is_a_command(tmp_path: Path) -> None:
    # avrae's utils/argparser.py: `if __name__ == "__main__": while True: print(argsplit(input(">>> ")))`
    _write(tmp_path, {
        "requirements.txt": "requests\n",
        "utils/__init__.py": "",
        "utils/argparser.py": "from disnake.ext.commands.view import StringView\n\n\ndef argsplit(text):\n    view = StringView(text)\n"
                              "    words = []\n    while not view.eof:\n        words.append(view.get_word())\n    return words\n\n\n"
                              "if __name__ == '__main__':\n    while True:\n        try:\n            print(argsplit(input('>>> ')))\n"
                              "        except ValueError as e:\n            print(e)\n",
    })
    assert {p.kind for p in _model(tmp_path).processes if p.entries == ["utils/argparser.py"]} == {"cli"}


def test_console_scripts_that_serve_or_loop_are_long_lived(tmp_path: Path) -> None:
    # pulpcore's `pulpcore-api` (a click command that runs a gunicorn Application subclass) and
    # `pulpcore-worker` (`PulpcoreWorker(…).run()`, a loop until a signal handler stops it)
    _write(tmp_path, {
        "pyproject.toml": '[project]\nname = "depot"\ndependencies = ["click", "gunicorn"]\n\n[project.scripts]\n'
                          'depot-api = "depot.entrypoint:main"\ndepot-worker = "depot.tasking:worker"\n',
        "depot/__init__.py": "",
        "depot/app.py": "def application(environ, start_response):\n    start_response('200 OK', [])\n    return [b'ok']\n",
        "depot/entrypoint.py": "import click\nfrom gunicorn.app.base import Application\n\n\nclass ApiApplication(Application):\n"
                               "    def load(self):\n        from depot.app import application\n        return application\n\n\n"
                               "@click.command()\ndef main():\n    ApiApplication().run()\n",
        "depot/tasking.py": "import signal\nimport time\n\nimport click\n\n\nclass Worker:\n    def __init__(self):\n"
                            "        self.stopping = False\n\n    def run(self):\n        signal.signal(signal.SIGTERM, self.stop)\n"
                            "        while not self.stopping:\n            time.sleep(1)\n\n    def stop(self, *args):\n"
                            "        self.stopping = True\n\n\n@click.command()\ndef worker():\n    Worker().run()\n",
    })
    kinds = {e: p.kind for p in _model(tmp_path).processes for e in p.entries if p.name.startswith("depot-")}
    assert kinds == {"depot/entrypoint.py": "server", "depot/tasking.py": "worker"}


def test_a_main_block_listening_on_redis_pubsub_is_a_worker(tmp_path: Path) -> None:
    # `for message in p.listen():` blocks for the next message for as long as the process runs
    _write(tmp_path, {
        "requirements.txt": "redis\n",
        "listener.py": "import redis\n\nr = redis.Redis(host='cache')\n\n\ndef main():\n    p = r.pubsub()\n"
                       "    p.subscribe('events')\n    for message in p.listen():\n        print(message)\n\n\n"
                       "if __name__ == '__main__':\n    main()\n",
    })
    assert {p.kind for p in _model(tmp_path).processes if p.entries == ["listener.py"]} == {"worker"}
    assert ("CL001", "listener.py") in _found(tmp_path, select=["CL001"])
