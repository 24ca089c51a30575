"""Code no long-lived process runs, and imports the process model did not follow (issue 14, class 1;
reviewer 10's Python lessons 1, 4, 5): a CLI's one-shot OAuth callback listener, PEP 420
namespace packages, plugin loaders that skip names, and imports through `sys.path` entries computed
from the environment. Each test writes a small project shaped like the service it came from and
runs the process model and a scan, with a control beside each case that must still be reported."""

from __future__ import annotations

from pathlib import Path

from crashlint.scan import process_model, scan
from helpers import write_project as _write

GET = "import requests\n\n\ndef fetch(url):\n    return requests.get(url).json()\n"


def _model(root: Path):
    _, model, _ = process_model([str(root)])
    return model


def _found(root: Path) -> set[str]:
    return {f"{f.rule_id} {f.location.path}" for f in scan([str(root)], select=["CL008"]).findings}


# bodhi-client: the `bodhi` click CLI, its bindings, and `bodhi login`'s OIDC redirect listener
OIDC_CLIENT = '''import threading
from functools import partial
from http.server import BaseHTTPRequestHandler, HTTPServer

import click

PORT = 45678


class RequestHandler(BaseHTTPRequestHandler):
    def __init__(self, *args, callback=None, **kwargs):
        self.callback = callback
        super().__init__(*args, **kwargs)

    def do_GET(self):
        self.callback(self.path)
        threading.Thread(target=self.server.shutdown, daemon=True).start()


class OIDCClient:
    def login(self):
        self._run_http_server()

    def _run_http_server(self):
        httpd = HTTPServer(("localhost", PORT), partial(RequestHandler, callback=self.auth_callback))
        server_thread = threading.Thread(target=httpd.serve_forever)
        server_thread.daemon = True
        server_thread.start()
        try:
            server_thread.join()
        except KeyboardInterrupt:
            raise click.ClickException("Cancelled.")
        finally:
            httpd.server_close()

    def auth_callback(self, response):
        self.tokens = response
'''
BINDINGS = '''import requests

from acme.client.oidcclient import OIDCClient


class Client:
    def __init__(self):
        self.oidc = OIDCClient()

    def query(self, url):
        return requests.get(url).json()
'''
CLI = '''import click

from acme.client import bindings


@click.group()
def cli():
    pass


@cli.command()
def login():
    bindings.Client().oidc.login()


@cli.command()
def query():
    click.echo(bindings.Client().query("https://acme.example/api"))
'''


def test_a_clis_oauth_callback_listener_is_not_a_server(tmp_path: Path) -> None:
    """`HTTPServer(("localhost", PORT), …)` run in a thread inside `bodhi login`, joined and closed
    in `finally`, in a namespace package (`acme/` has no __init__.py) whose only start command is a
    click console script: the bindings are CLI code, so their requests call is not reported."""
    _write(tmp_path, {
        "acme-client/pyproject.toml": '[project]\nname = "acme-client"\ndependencies = ["click", "requests"]\n\n'
                                      '[project.scripts]\nacme = "acme.client.cli:cli"\n',
        "acme-client/acme/client/__init__.py": "",
        "acme-client/acme/client/oidcclient.py": OIDC_CLIENT,
        "acme-client/acme/client/bindings.py": BINDINGS,
        "acme-client/acme/client/cli.py": CLI,
    })
    model = _model(tmp_path)
    assert not [p for p in model.processes if p.kind == "server"], [(p.name, p.evidence) for p in model.processes]
    assert model.roles["acme-client/acme/client/bindings.py"] == "tooling"
    assert _found(tmp_path) == set()


def test_a_loopback_server_that_serves_forever_stays_a_server(tmp_path: Path) -> None:
    """The control: a service bound to 127.0.0.1 behind a proxy serves forever itself and closes in
    `finally` only when it is stopped: a long-lived server, whose requests call is reported."""
    _write(tmp_path, {
        "pyproject.toml": '[project]\nname = "relay"\ndependencies = ["requests"]\n\n[project.scripts]\nrelay = "relay.main:main"\n',
        "relay/__init__.py": "",
        "relay/upstream.py": GET,
        "relay/main.py": "import argparse\nfrom http.server import BaseHTTPRequestHandler, HTTPServer\n\n"
                         "from relay.upstream import fetch\n\n\nclass Handler(BaseHTTPRequestHandler):\n"
                         "    def do_GET(self):\n        self.wfile.write(str(fetch('https://up.example')).encode())\n\n\n"
                         "def main():\n    argparse.ArgumentParser().parse_args()\n"
                         "    httpd = HTTPServer((\"127.0.0.1\", 8080), Handler)\n    try:\n        httpd.serve_forever()\n"
                         "    finally:\n        httpd.server_close()\n",
    })
    model = _model(tmp_path)
    assert [p.kind for p in model.processes if p.entry == "relay/main.py"] == ["server"]
    assert _found(tmp_path) == {"CL008 relay/upstream.py"}


def test_a_one_request_listener_is_not_a_server(tmp_path: Path) -> None:
    """`handle_request()` serves one request (google-auth-oauthlib's run_local_server): the module
    that makes it is no server, even with no CLI library in sight."""
    _write(tmp_path, {
        "pyproject.toml": '[project]\nname = "auth"\ndependencies = ["requests"]\n',
        "auth/__init__.py": "",
        "auth/flow.py": "from wsgiref.simple_server import WSGIRequestHandler\nfrom http.server import HTTPServer\n\n"
                        "import requests\n\n\ndef token(code):\n    return requests.post('https://idp.example/token', data=code)\n\n\n"
                        "def run_local_server(handler):\n    server = HTTPServer((\"127.0.0.1\", 0), handler)\n"
                        "    server.handle_request()\n    server.server_close()\n",
    })
    assert not [p for p in _model(tmp_path).processes if p.kind == "server" and not p.fallback]


YETI_LOADER = '''import importlib
import pkgutil

from celery import Celery

app = Celery("yeti")


def get_plugins_list():
    found = set()
    for module_info in pkgutil.walk_packages(["plugins"], prefix="plugins."):
        if not module_info.ispkg and "deprecated" not in module_info.name:
            module = importlib.import_module(module_info.name)
            found.add(module.__name__)
    return found


@app.task
def run_plugins():
    for name in get_plugins_list():
        importlib.import_module(name).run()
'''


def test_plugins_a_loader_skips_by_name_are_not_loaded(tmp_path: Path) -> None:
    """yeti's get_plugins_list skips `plugins/**/deprecated/` (`"deprecated" not in
    module_info.name`) and nothing imports those modules: dead code. The other plugins run in
    the Celery worker."""
    _write(tmp_path, {
        "requirements.txt": "celery\nrequests\n",
        "core/__init__.py": "",
        "core/taskscheduler.py": YETI_LOADER,
        "plugins/__init__.py": "",
        "plugins/analytics/__init__.py": "",
        "plugins/analytics/public/__init__.py": "",
        "plugins/analytics/public/urlscan.py": GET + "\n\ndef run():\n    fetch('https://urlscan.example')\n",
        "plugins/analytics/deprecated/__init__.py": "",
        "plugins/analytics/deprecated/dnsdb.py": GET + "\n\ndef run():\n    fetch('https://dnsdb.example')\n",
    })
    model = _model(tmp_path)
    assert model.roles["plugins/analytics/deprecated/dnsdb.py"] == "unreached"
    assert model.roles["plugins/analytics/public/urlscan.py"] == "server"
    assert _found(tmp_path) == {"CL008 plugins/analytics/public/urlscan.py"}


def test_a_comparison_outside_a_loaders_condition_filters_nothing(tmp_path: Path) -> None:
    """`"deprecated" not in x` elsewhere in the loader's module (not in the function that imports)
    keeps no plugin out."""
    loader = YETI_LOADER.replace(' and "deprecated" not in module_info.name', "") + \
        '\n\ndef label(name):\n    if "deprecated" not in name:\n        return name\n    return ""\n'
    _write(tmp_path, {
        "requirements.txt": "celery\nrequests\n",
        "core/__init__.py": "",
        "core/taskscheduler.py": loader,
        "plugins/__init__.py": "",
        "plugins/deprecated/__init__.py": "",
        "plugins/deprecated/dnsdb.py": GET + "\n\ndef run():\n    fetch('https://dnsdb.example')\n",
    })
    assert _found(tmp_path) == {"CL008 plugins/deprecated/dnsdb.py"}


def test_imports_through_a_sys_path_entry_from_the_environment(tmp_path: Path) -> None:
    """ail-framework: the Flask UI puts `os.environ['AIL_BIN']` on sys.path and imports
    `from lib.objects import Decodeds` (bin/lib/objects/Decodeds.py, which has a `__main__` of its
    own): the server loads it, so its VirusTotal call with no timeout is reported. A bare name the
    standard library owns (`import json`) still means the library."""
    _write(tmp_path, {
        "requirements.txt": "flask\nrequests\n",
        # no __init__.py: `bin/` is on sys.path only when the programs run (AIL_BIN)
        "bin/lib/objects/Decodeds.py": GET + "\n\nif __name__ == '__main__':\n    print(fetch('https://vt.example'))\n",
        "bin/lib/json.py": GET,
        "var/www/server.py": "import os\nimport sys\n\nfrom flask import Flask\n\nsys.path.append(os.environ['AIL_BIN'])\n"
                             "from lib.objects import Decodeds  # noqa: E402\nimport json  # noqa: E402\n\n"
                             "app = Flask(__name__)\n\n\n@app.route('/vt')\ndef vt():\n"
                             "    return json.dumps(Decodeds.fetch('https://vt.example'))\n\n\n"
                             "if __name__ == '__main__':\n    app.run()\n",
    })
    model = _model(tmp_path)
    assert model.roles["bin/lib/objects/Decodeds.py"] == "server", model.reasons["bin/lib/objects/Decodeds.py"]
    assert "server" not in model.reasons["bin/lib/json.py"].partition(":")[0]  # not "loaded by `server`"
    assert "CL008 bin/lib/objects/Decodeds.py" in _found(tmp_path)


def test_functions_named_nowhere_in_a_module_imported_whole_are_dead(tmp_path: Path) -> None:
    """ail's `from lib import images_engine` in the Flask blueprints: `check_if_domain_csam` is
    named nowhere (no call, value, attribute or string), and `check_is_image_csam` only by a
    function named nowhere and by the module's own `__main__`: neither runs in the server. The
    function the route calls does; one whose name a string composes may (`getattr`)."""
    engine = (GET + "\n\ndef describe(gid):\n    return fetch('https://ollama.example/' + gid)\n\n\n"
              "def check_is_image_csam(gid):\n    return requests.post('https://ollama.example/csam', data=gid)\n\n\n"
              "def check_images_csam():\n    for gid in ('a', 'b'):\n        check_is_image_csam(gid)\n\n\n"
              "def check_if_domain_csam(domain):\n    return requests.post('https://ollama.example/domain', data=domain)\n\n\n"
              "def on_refresh(gid):\n    return requests.post('https://ollama.example/refresh', data=gid)\n\n\n"
              "if __name__ == '__main__':\n    check_is_image_csam('')\n")
    _write(tmp_path, {
        "requirements.txt": "flask\nrequests\n",
        "app/__init__.py": "",
        "app/images_engine.py": engine,
        "app/server.py": "from flask import Flask\n\nfrom app import images_engine\n\napp = Flask(__name__)\n\n\n"
                         "@app.route('/d/<gid>')\ndef d(gid):\n    return images_engine.describe(gid)\n\n\n"
                         "@app.route('/e/<event>/<gid>')\ndef e(event, gid):\n    return getattr(images_engine, 'on_' + event)(gid)\n",
        "Procfile": "web: gunicorn app.server:app\n",
    })
    lines = {f.location.start_line for f in scan([str(tmp_path)], select=["CL008"]).findings if f.location.path == "app/images_engine.py"}
    assert lines == {5, 26}  # fetch (called by describe) and on_refresh (composed by getattr)


# ragflow: `rag/llm/__init__.py` imports every model module by a computed name; a parser's unit test
# loads one file by its path after stubbing `rag` out of the import cache
RAG_LOADER = '''import importlib

MODULE_MAPPING = {"rerank_model": "RerankModel"}

for module_name in MODULE_MAPPING:
    module = importlib.import_module(f"{__name__}.{module_name}")
'''

RAG_TEST = '''import importlib.util
import os
import sys
from unittest import mock

if "rag" not in sys.modules:
    sys.modules["rag"] = mock.MagicMock()

_spec = importlib.util.spec_from_file_location("html_parser", os.path.join(os.environ["ROOT"], "deepdoc", "html_parser.py"))
_mod = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_mod)
'''


def _ragflow(tmp_path: Path, test_file: str) -> None:
    _write(tmp_path, {
        "requirements.txt": "flask\nrequests\n",
        "api/__init__.py": "",
        "api/server.py": "from flask import Flask\n\nfrom rag.llm import MODULE_MAPPING\n\napp = Flask(__name__)\n\n"
                         "if __name__ == '__main__':\n    app.run()\n",
        "rag/__init__.py": "",
        "rag/llm/__init__.py": RAG_LOADER,
        "rag/llm/rerank_model.py": GET,
        "deepdoc/__init__.py": "",
        "deepdoc/html_parser.py": "def parse(text):\n    return text\n",
        test_file: RAG_TEST,
    })


def test_a_tests_sys_modules_stub_is_no_loaders_filter(tmp_path: Path) -> None:
    """ragflow (rev13-py, 9 missed): `if "rag" not in sys.modules: sys.modules["rag"] = MagicMock()`
    in a parser's unit test, beside the test's `spec.loader.exec_module`, was read as a loader
    keeping `rag` out of the names it loads, and every `rag.*` module nothing imports directly was
    "skipped by its name". A test loads nothing a process runs, and a `sys.modules` guard names no
    module to skip: the model module the server loads by name is reported."""
    _ragflow(tmp_path, "test/unit_test/test_html_parser.py")
    assert _found(tmp_path) == {"CL008 rag/llm/rerank_model.py"}


def test_a_sys_modules_guard_in_a_loader_filters_nothing(tmp_path: Path) -> None:
    """The same guard in a module that is no test (a script that stubs `rag` before loading a file
    by its path) is no name filter either: `sys.modules` is the import cache, not a module's name."""
    _ragflow(tmp_path, "tools/load_parser.py")
    assert _found(tmp_path) == {"CL008 rag/llm/rerank_model.py"}


FRAGMENTS_LOADER = '''import importlib
import pkgutil

from celery import Celery

from fragments import plugins

app = Celery("fragments")


@app.task
def run_plugins():
    for info in pkgutil.iter_modules(plugins.__path__):
        if "rag" not in info.name:
            importlib.import_module("fragments.plugins." + info.name).run()
'''


def test_a_loaders_filter_keeps_out_whole_names_only(tmp_path: Path) -> None:
    """A filter keeps out the modules whose names hold it as a whole part: the loader skips its
    `rag` plugin (`fragments/plugins/rag.py`, unreached), not every module whose dotted name holds
    the letters `rag` (`fragments.plugins.search`, which the worker runs: reported)."""
    _write(tmp_path, {
        "requirements.txt": "celery\nrequests\n",
        "fragments/__init__.py": "",
        "fragments/tasks.py": FRAGMENTS_LOADER,
        "fragments/plugins/__init__.py": "",
        "fragments/plugins/search.py": GET + "\n\ndef run():\n    fetch('https://search.example')\n",
        "fragments/plugins/rag.py": GET + "\n\ndef run():\n    fetch('https://rag.example')\n",
    })
    model = _model(tmp_path)
    assert model.roles["fragments/plugins/rag.py"] == "unreached"
    assert _found(tmp_path) == {"CL008 fragments/plugins/search.py"}


# mylar3: Mylar.py checks requirements.txt before it starts the daemon, by importing each name
MYLAR_MAIN = '''import importlib
import sys

import cherrypy

from mylar import webserve


class RequirementsCheck:
    def __init__(self, names):
        self.names = names

    def check_it(self):
        failures = {}
        for module in self.names:
            try:
                try:
                    importlib.import_module(module, package=None)
                except Exception:
                    importlib.import_module(module.lower(), package=None)
            except (ModuleNotFoundError) as e:
                failures[module] = str(e)
        if failures:
            sys.exit(1)


RequirementsCheck(["requests", "cherrypy"]).check_it()


def main():
    cherrypy.quickstart(webserve.WebInterface())


if __name__ == "__main__":
    main()
'''


def _mylar(tmp_path: Path, main: str) -> None:
    _write(tmp_path, {
        "requirements.txt": "cherrypy\nrequests\n",
        "Dockerfile": 'FROM python:3.12\nCOPY . /app\nCMD ["python3", "/app/Mylar.py"]\n',
        "Mylar.py": main,
        "mylar/__init__.py": "",
        "mylar/webserve.py": GET + "\n\nclass WebInterface:\n    def index(self):\n        return fetch('https://comicvine.example')\n",
        "post-processing/autoProcessComics.py": GET + "\n\ndef processIssue(dirName):\n    return fetch('http://localhost:8090/api?dir=' + dirName)\n",
    })


def test_a_dependency_probe_loads_nothing(tmp_path: Path) -> None:
    """mylar3 (py13b, 6 wrong): `try: importlib.import_module(name) except ModuleNotFoundError:` over
    the names of requirements.txt asks whether each is installed; it was read as a loader of
    computed names that sweeps every module nothing imports into the daemon (a post-processing
    hook script SABnzbd runs on its own). The daemon's own code is still reported."""
    _mylar(tmp_path, MYLAR_MAIN)
    model = _model(tmp_path)
    daemon = next(p for p in model.processes if "Mylar.py" in p.entries)
    assert "post-processing/autoProcessComics.py" not in daemon.files
    assert "mylar/webserve.py" in daemon.files


def test_a_loader_that_keeps_what_it_imports_is_no_probe(tmp_path: Path) -> None:
    """The same loop keeping each module (`plugins[name] = importlib.import_module(name)`) loads
    code the daemon runs: it still sweeps the modules nothing imports into the daemon."""
    loader = MYLAR_MAIN.replace("                    importlib.import_module(module, package=None)",
                                "                    self.loaded = importlib.import_module(module, package=None)")
    _mylar(tmp_path, loader)
    model = _model(tmp_path)
    daemon = next(p for p in model.processes if "Mylar.py" in p.entries)
    assert "post-processing/autoProcessComics.py" in daemon.files
