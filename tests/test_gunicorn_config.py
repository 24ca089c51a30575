"""gunicorn config files name the app a server runs (issue 14, item 1; rev17-py lesson 1(a)).

gunicorn takes its application from the command line (`gunicorn mod:app`) or, when the command
names none, from its config file's `wsgi_app` (gunicorn.org/run: "WSGI_APP can be omitted when
defined in a configuration file"): the file `-c`/`--config` names (a path, `file:PATH` or
`python:MODULE`), else `gunicorn.conf.py` in the working folder (gunicorn/config.py
`get_default_config_file`). Each test writes a small project and asks `process_model`.
"""

from __future__ import annotations

from pathlib import Path

from crashlint.scan import process_model
from helpers import write_project as _write

APP = {
    "pyproject.toml": '[project]\nname = "svc"\ndependencies = ["flask", "gunicorn", "click"]\n\n'
                      '[project.scripts]\nsvc-admin = "svc.cli:cli"\n',
    "svc/__init__.py": "",
    "svc/core.py": "from flask import Flask\n\napp = Flask(__name__)\n",
    "svc/app.py": "from svc.core import app\nfrom svc import views  # noqa: F401\n",
    "svc/views.py": "from svc.core import app\n\n\n@app.route('/x')\ndef x():\n    return 'x'\n",
    "svc/cli.py": "import click\n\nfrom svc.app import app\n\n\n@click.command()\ndef cli():\n    print(app)\n",
}


def _servers(root: Path) -> list[tuple[str, list[str]]]:
    _, model, _ = process_model([str(root)])
    return [(p.kind, p.entries) for p in model.processes if p.long_lived]


def test_a_config_file_given_with_c_names_the_app(tmp_path: Path) -> None:
    """document-merge-service: `CMD … gunicorn -c ./svc/gunicorn.py` and no APP_MODULE."""
    _write(tmp_path, {**APP, "Dockerfile": 'FROM python\nCMD ["/bin/sh", "-c", "./manage.py migrate && gunicorn -c ./svc/gunicorn.py"]\n',
                      "svc/gunicorn.py": 'wsgi_app = "svc.app:app"\nbind = "0.0.0.0:8000"\n'})
    assert ("server", ["svc/app.py"]) in _servers(tmp_path)


def test_a_bare_gunicorn_reads_gunicorn_conf_py_of_its_folder(tmp_path: Path) -> None:
    """A start script beside `gunicorn.conf.py` runs `gunicorn` by its path in a virtualenv."""
    _write(tmp_path, {**APP, "Dockerfile": 'FROM python\nCMD ["./start.sh"]\n',
                      "start.sh": "#!/bin/sh\n/app/.venv/bin/svc-admin migrate && /app/.venv/bin/gunicorn\n",
                      "gunicorn.conf.py": 'wsgi_app = "svc.app:app"\n'})
    assert ("server", ["svc/app.py"]) in _servers(tmp_path)


def test_config_given_as_python_module_and_with_equals(tmp_path: Path) -> None:
    _write(tmp_path, {**APP, "Procfile": "web: gunicorn --config=python:svc.gconf\n",
                      "svc/gconf.py": "wsgi_app = 'svc.app:app'\n"})
    assert ("server", ["svc/app.py"]) in _servers(tmp_path)


def test_the_command_lines_app_wins_over_the_configs(tmp_path: Path) -> None:
    """`gunicorn -c conf.py svc.core:app`: the command line's APP_MODULE is the app; the config's
    `wsgi_app` (which names another module here) does not add a second server."""
    _write(tmp_path, {**APP, "Procfile": "web: gunicorn -c gunicorn.conf.py svc.core:app\n",
                      "gunicorn.conf.py": 'wsgi_app = "svc.app:app"\n'})
    servers = _servers(tmp_path)
    assert ("server", ["svc/core.py"]) in servers


def test_a_config_naming_no_app_starts_nothing(tmp_path: Path) -> None:
    """ok: a bare `gunicorn` whose config has settings only names no app: nothing is made a server."""
    _write(tmp_path, {**APP, "Procfile": "web: gunicorn\n", "gunicorn.conf.py": 'bind = "0.0.0.0:8000"\nworkers = 4\n'})
    assert ("server", ["svc/app.py"]) not in _servers(tmp_path)


def test_a_config_file_no_command_reads_still_names_the_app(tmp_path: Path) -> None:
    """mwdb: the image is built by `deploy/docker/Dockerfile` (not read), its start script runs a bare
    gunicorn beside `docker/gunicorn.conf.py`: the config file alone names the served app."""
    _write(tmp_path, {**APP, "docker/gunicorn.conf.py": 'import os\n\nwsgi_app = "svc.app:app"\nworkers = int(os.getenv("W", "4"))\n'})
    assert ("server", ["svc/app.py"]) in _servers(tmp_path)


def test_the_app_module_under_the_images_copy_of_a_folder(tmp_path: Path) -> None:
    """people: `COPY src/backend /app` then `gunicorn -c /usr/local/etc/gunicorn/people.py
    people.wsgi:application`, where a stray `src/backend/__init__.py` makes the module index call it
    `backend.people.wsgi`: the module is found under the folder of a Python manifest, not taken to
    be the config file of the same name."""
    _write(tmp_path, {
        "Dockerfile": 'FROM python\nWORKDIR /app\nCOPY src/backend /app\nCOPY docker/files/usr/local/etc/gunicorn/people.py /usr/local/etc/gunicorn/people.py\n'
                      'CMD ["gunicorn", "-c", "/usr/local/etc/gunicorn/people.py", "people.wsgi:application"]\n',
        "docker/files/usr/local/etc/gunicorn/people.py": 'bind = ["0.0.0.0:8000"]\n',
        "src/backend/pyproject.toml": '[project]\nname = "people"\ndependencies = ["django", "gunicorn"]\n',
        "src/backend/__init__.py": "",
        "src/backend/people/__init__.py": "",
        "src/backend/people/wsgi.py": "from django.core.wsgi import get_wsgi_application\n\napplication = get_wsgi_application()\n",
    })
    servers = _servers(tmp_path)
    assert any(entries[:1] == ["src/backend/people/wsgi.py"] or "src/backend/people/wsgi.py" in entries for _, entries in servers)
    assert not any("docker/files/usr/local/etc/gunicorn/people.py" in entries for _, entries in servers)
