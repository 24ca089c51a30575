"""Start commands read through their wrappers (issue 14, held-out reviewer 7's Python set): the
commands of one shell line run one after the other unless sent aside (`;`, `&&` vs `&`, monofy's
`|||`), console scripts named in a start command, supervisord programs, entrypoint scripts at a
path inside the image, gunicorn's bare module, deployment code (AWS CDK, Lambda handlers), example
folders, Django `tests.py` and a wsgi.py that builds Django's handler itself."""

from __future__ import annotations

from pathlib import Path

from crashlint.scan import process_model, scan
from helpers import write_project as _write


def _model(root: Path):
    _, model, _ = process_model([str(root)])
    return model


def _found(root: Path, **options) -> set[tuple[str, str, int]]:
    return {(f.rule_id, f.location.path, f.location.start_line) for f in scan([str(root)], **options).findings}


SETUP = ('from setuptools import setup\nsetup(name="svc", entry_points={"console_scripts": '
         '["svc = svc.__main__:init", "svc-manage = svc.manage:main"]})\n')
# the server calls its route (a function of a module imported whole that nothing names is dead code)
SERVER = ("import asyncio\nimport signal\nfrom svc import routes\n\n\ndef init():\n    loop = asyncio.new_event_loop()\n"
          "    loop.add_signal_handler(signal.SIGTERM, loop.stop)\n    loop.call_soon(routes.handler)\n    loop.run_forever()\n\n\n"
          "if __name__ == \"__main__\":\n    init()\n")
FETCH = 'import requests\n\n\ndef get():\n    return requests.get("https://config.example/app.yaml")\n\n\nif __name__ == "__main__":\n    get()\n'


def test_a_config_step_before_the_server_in_one_cmd(tmp_path: Path) -> None:
    """`CMD python scripts/fetch.py; svc`: the script ends before the server starts (consoleme)."""
    _write(tmp_path, {
        "setup.py": SETUP,
        "Dockerfile": "FROM python:3.12\nCMD python scripts/fetch.py; svc\n",
        "scripts/fetch.py": FETCH,
        "svc/__init__.py": "",
        "svc/__main__.py": SERVER,
        "svc/routes.py": 'import requests\n\n\ndef handler():\n    return requests.get("https://api.example/x")\n',
        "svc/manage.py": "import argparse\n\n\ndef main():\n    argparse.ArgumentParser().parse_args()\n",
    })
    model = _model(tmp_path)
    kinds = {p.entry: p.kind for p in model.processes}
    assert kinds["scripts/fetch.py"] == "cli"
    assert kinds["svc/__main__.py"] in ("server", "worker")
    once = next(p for p in model.processes if p.entry == "scripts/fetch.py")
    assert any("runs once before the program" in e for e in once.evidence)
    assert {(r, p) for r, p, _ in _found(tmp_path, select=["CL008"])} == {("CL008", "svc/routes.py")}


def test_monofy_runs_its_sides_together_and_steps_before_them(tmp_path: Path) -> None:
    """bugsink: `monofy a && b && gunicorn … proj.wsgi ||| worker`: a and b run once, gunicorn serves
    the module `proj.wsgi` (no `:app`: gunicorn takes its `application`), the worker runs beside it."""
    _write(tmp_path, {
        "pyproject.toml": '[project]\nname = "proj"\ndependencies = ["django"]\n[project.scripts]\n'
                          'proj-version = "proj.version:main"\nproj-worker = "proj.worker:main"\n',
        "Dockerfile": 'FROM python:3.12\nCMD [ "monofy", "proj-version", "&&", "gunicorn", "--config", "proj/gunicorn.conf.py", '
                      '"--access-logfile", "-", "proj.wsgi", "|||", "proj-worker"]\n',
        "proj/__init__.py": "",
        "proj/version.py": "def main():\n    print('1.0')\n",
        "proj/worker.py": "import time\n\n\ndef main():\n    while True:\n        time.sleep(1)\n",
        "proj/wsgi.py": "import os\n\nimport django\nfrom django.core.handlers.wsgi import WSGIHandler\n\n"
                        "os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'proj.settings')\n\n\nclass Handler(WSGIHandler):\n    pass\n\n\n"
                        "def app():\n    django.setup(set_prefix=False)\n    return Handler()\n\n\napplication = app()\n",
        "issues/__init__.py": "",
        "issues/views.py": 'import requests\n\n\ndef view(request):\n    return requests.get("https://hooks.example/")\n',
        "issues/tests.py": 'import requests\n\n\ndef test_it():\n    requests.get("https://raw.example/schema.json")\n',
    })
    model = _model(tmp_path)
    kinds = {p.entry: p.kind for p in model.processes}
    assert kinds["proj/version.py"] == "cli"
    # the worker's module is also one the Django project loads: one long-lived process holds both
    assert any(p.long_lived and "proj/worker.py" in p.files and any("||| proj-worker" in e for e in p.evidence) for p in model.processes)
    server = next(p for p in model.processes if p.kind == "server")
    assert "issues/views.py" in server.files  # a Django project: the apps load through settings
    assert model.roles["issues/tests.py"] == "test"  # Django's runner discovers test*.py
    assert {(r, p) for r, p, _ in _found(tmp_path, select=["CL008"])} == {("CL008", "issues/views.py")}


def test_supervisord_programs_and_entrypoint_scripts_inside_the_image(tmp_path: Path) -> None:
    """security_monkey: supervisor/*.conf `[program:…] command=celery … worker`, and a compose
    entrypoint at its path in the image (`/usr/src/app/docker/api-start.sh`) whose first command
    (`svc-manage db upgrade`) ends before the last (`svc-manage run_api_server`)."""
    _write(tmp_path, {
        "setup.py": SETUP,
        "docker-compose.yml": "services:\n  api:\n    image: svc\n    entrypoint: [\"/usr/src/app/docker/api-start.sh\"]\n",
        "docker/api-start.sh": "#!/bin/bash\nsleep 10\ncd /usr/src/app\nsvc-manage db upgrade\nsvc-manage run_api_server -b 0.0.0.0:5000\n",
        "supervisor/workers.conf": "[program:svcworkers]\nautostart=true\ncommand=/venv/bin/celery -A svc.tasks.CELERY worker\n",
        "svc/__init__.py": "",
        "svc/__main__.py": SERVER,
        "svc/routes.py": "x = 1\n",
        "svc/manage.py": "import argparse\n\n\ndef main():\n    argparse.ArgumentParser().parse_args()\n",
        "svc/tasks.py": 'import requests\nfrom celery import Celery\n\nCELERY = Celery("svc")\n\n\n@CELERY.task\ndef watch():\n    requests.get("https://api.github.example/orgs")\n',
    })
    model = _model(tmp_path)
    workers = [p for p in model.processes if p.kind == "worker" and p.entry == "svc/tasks.py"]
    assert workers and any("supervisor/workers.conf: svcworkers" in e for e in workers[0].evidence)
    manage = [p for p in model.processes if p.entry == "svc/manage.py"]
    assert manage and any("docker/api-start.sh" in e for p in manage for e in p.evidence)


def test_shell_script_commands_inside_conditionals_stay_alternatives() -> None:
    from crashlint.dependencies import _Start

    start = _Start()
    start.read_shell_script("run.sh", "ENTRYPOINT", b"#!/bin/sh\npython wait.py\nif [ \"$ROLE\" = worker ]; then\n"
                            b"  celery -A app worker\nelse\n  gunicorn app:app\nfi\n")
    assert [(n, c) for _, n, c in start.launches] == [
        ("one-shot", "python wait.py"), ("ENTRYPOINT", "celery -A app worker"), ("ENTRYPOINT", "gunicorn app:app")]
    background = _Start()
    background.read_shell_script("run.sh", "CMD", b"#!/bin/sh\ncelery -A app worker &\npython migrate.py\ngunicorn app:app\n")
    assert [n for _, n, _ in background.launches] == ["CMD", "one-shot", "CMD"]


def test_cdk_apps_lambda_handlers_and_examples_are_not_the_service(tmp_path: Path) -> None:
    """consoleme's `cdk/` (an AWS CDK app and a custom-resource Lambda) and appdaemon's
    `conf/example_apps/`: no process of the service runs them."""
    _write(tmp_path, {
        "requirements.txt": "flask\nboto3\nrequests\n",
        "app.py": 'import boto3\nfrom flask import Flask\n\napp = Flask(__name__)\n\n\n@app.route("/health")\ndef health():\n'
                  '    return "ok"\n\n\n@app.route("/s")\ndef s():\n    return boto3.client("s3").list_buckets()\n',
        "cdk/app.py": 'import aws_cdk as cdk\nimport boto3\n\nsts = boto3.client("sts")\napp = cdk.App()\napp.synth()\n',
        "cdk/stacks/vpc.py": 'import urllib.request\nfrom aws_cdk import Stack\n\n\nclass Vpc(Stack):\n    def ip(self):\n'
                             '        return urllib.request.urlopen("http://checkip.amazonaws.com").read()\n',
        "cdk/resources/config_lambda/index.py": 'import boto3\n\ns3 = boto3.client("s3")\n\n\ndef handler(event, context):\n'
                                                '    return s3.get_object(Bucket="b", Key="k")\n',
        "conf/example_apps/weather.py": 'import requests\n\n\nclass Weather:\n    def update(self):\n'
                                        '        return requests.get("https://api.met.example/")\n',
    })
    model = _model(tmp_path)
    for path in ("cdk/app.py", "cdk/stacks/vpc.py", "cdk/resources/config_lambda/index.py", "conf/example_apps/weather.py"):
        assert model.roles[path] != "server", path
    assert {(r, p) for r, p, _ in _found(tmp_path, select=["CL006", "CL008"])} == {("CL006", "app.py")}


def test_a_function_only_tests_call_is_not_run_by_the_server(tmp_path: Path) -> None:
    """librephotos: `unload_model()` in a module the server loads, called by a test alone."""
    _write(tmp_path, {
        "requirements.txt": "flask\nrequests\n",
        "app.py": 'from flask import Flask\n\nfrom captioning import caption\n\napp = Flask(__name__)\n\n\n'
                  '@app.route("/health")\ndef health():\n    return "ok"\n\n\n@app.route("/c")\ndef c():\n    return caption()\n',
        "captioning.py": 'import requests\n\n\ndef caption():\n    return requests.get("http://localhost:8007/caption")\n\n\n'
                         'def unload_model():\n    requests.get("http://localhost:8007/unload-model")\n\n\n'
                         'def warm():\n    requests.get("http://localhost:8007/warm")\n',
        "jobs.py": "from captioning import warm\n\nHOOKS = [warm]\n",
        "tests/test_captioning.py": "from captioning import unload_model, warm\n\n\ndef test_unload():\n    unload_model()\n    warm()\n",
    })
    found = {(p, line) for r, p, line in _found(tmp_path, select=["CL008"])}
    assert ("captioning.py", 5) in found  # the route's call
    assert ("captioning.py", 9) not in found  # only the test calls unload_model
    assert ("captioning.py", 13) in found  # warm is imported by jobs.py, which may hand it on
