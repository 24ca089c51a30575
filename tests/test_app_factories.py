"""The function a server runs, and calls crashlint did not index (py20a, session 20; issue 14).

- an app string's attribute is a root of the server process: uvicorn's `--factory pkg.app:create_app`,
  gunicorn's `'pkg.app:create_app()'`, `uvicorn.run("pkg.app:create_app", factory=True)`;
- a `.wsgi` file is Python that a WSGI server loads (uWSGI `wsgi-file`, mod_wsgi): a server entry;
- a method called on a call's result (`Client().fetch(…)`) has that call among its callers, for
  reachability and for CL008's task limits.
"""

from __future__ import annotations

from pathlib import Path

from crashlint.scan import process_model, scan
from helpers import write_project as _write


def _cl008(root: Path) -> set[tuple[str, int]]:
    return {(f.location.path, f.location.start_line) for f in scan([str(root)], select=["CL008"]).findings}


FACTORY = ("import requests\nfrom fastapi import FastAPI\n\n\ndef create_app():\n"
           "    requests.get('https://registry.example/models.json')\n    return FastAPI()\n")
TEST = "from svc.main import create_app\n\n\ndef test_app():\n    assert create_app()\n"


def test_a_factory_named_by_the_start_command_runs_in_the_server(tmp_path: Path) -> None:
    _write(tmp_path, {
        "requirements.txt": "fastapi\nuvicorn\nrequests\n",
        "Dockerfile": 'FROM python:3.12\nCMD ["uvicorn", "--factory", "svc.main:create_app"]\n',
        "svc/__init__.py": "", "svc/main.py": FACTORY, "tests/test_app.py": TEST,
    })
    assert ("svc/main.py", 6) in _cl008(tmp_path)


def test_a_factory_named_by_a_server_calls_import_string(tmp_path: Path) -> None:
    _write(tmp_path, {
        "requirements.txt": "fastapi\nuvicorn\nrequests\n",
        "svc/__init__.py": "", "svc/main.py": FACTORY, "tests/test_app.py": TEST,
        "serve.py": "import uvicorn\n\nif __name__ == '__main__':\n"
                    "    uvicorn.run('svc.main:create_app', factory=True, host='0.0.0.0')\n",
        "Dockerfile": 'FROM python:3.12\nCMD ["python", "serve.py"]\n',
    })
    assert ("svc/main.py", 6) in _cl008(tmp_path)


def test_a_wsgi_file_is_a_server_entry(tmp_path: Path) -> None:
    _write(tmp_path, {
        "requirements.txt": "flask\nrequests\n",
        "web/__init__.py": "",
        "web/app.py": "import requests\nfrom flask import Flask\n\n\ndef create_app():\n"
                      "    app = Flask(__name__)\n    app.config['JWKS'] = requests.get('https://auth.example/jwks').json()\n    return app\n",
        "tests/test_web.py": "from web.app import create_app\n\n\ndef test_app():\n    assert create_app()\n",
        "uwsgi/public.wsgi": "from web.app import create_app\n\napplication = create_app()\n",
        "uwsgi/public.ini": "[uwsgi]\nwsgi-file = uwsgi/public.wsgi\n",
    })
    _, model, _ = process_model([str(tmp_path)])
    server = next(p for p in model.processes if "uwsgi/public.wsgi" in p.entries)
    assert server.kind == "server" and any("`.wsgi` script" in e for e in server.evidence)
    assert ("web/app.py", 7) in _cl008(tmp_path)


def test_a_method_called_on_a_constructors_result_is_called_by_that_code(tmp_path: Path) -> None:
    """The view calls `Catalog().items(…)`; a time-limited Celery task calls the same method by name:
    the view's call is not bounded by the task's limit."""
    _write(tmp_path, {
        "requirements.txt": "flask\ncelery\nrequests\n",
        "shop/__init__.py": "",
        "shop/catalog.py": "import requests\n\n\nclass Catalog:\n    def __init__(self):\n        self.session = requests.Session()\n\n"
                           "    def items(self, query):\n        return self.session.get('https://catalog.example/items', params={'q': query}).json()\n",
        "shop/tasks.py": "from celery import shared_task\nfrom shop.catalog import Catalog\n\n\n"
                         "@shared_task(time_limit=300)\ndef refresh(query):\n    catalog = Catalog()\n    return catalog.items(query)\n",
        "shop/web.py": "from flask import Flask\nfrom shop.catalog import Catalog\n\napp = Flask(__name__)\n\n\n"
                       "@app.route('/health')\ndef health():\n    return 'ok'\n\n\n"
                       "@app.route('/search/<query>')\ndef search(query):\n    return {'items': Catalog().items(query)}\n",
    })
    assert ("shop/catalog.py", 9) in _cl008(tmp_path)
