"""Which Python process loads which code, and shutdown per process (issue 14; reviewer 12's Python
lessons 6-7, reviewer 11's lesson 2): a lazy import in a command branch of `main()`, a Django
management command whose loop is one call below `handle()`, CL012 per daemon entry point, and calls
on a value annotated with an abstract base.

Each test reads a fixture project shaped like the service it comes from (unmanic, motioneye,
fx-private-relay, healthchecks, matrix-reminder-bot, AstrBot) and asks the process model or a scan.
"""

from __future__ import annotations

from pathlib import Path

from crashlint.scan import process_model, scan
from helpers import write_project

PROJECTS = Path(__file__).parent / "fixtures"


def _model(root: Path):
    _, model, _ = process_model([str(root)])
    return model


def _found(root: Path, **options) -> set[tuple[str, str, int]]:
    return {(f.rule_id, f.location.path, f.location.start_line) for f in scan([str(root)], **options).findings}


def test_a_module_imported_in_a_command_branch_is_the_commands_not_the_daemons() -> None:
    root = PROJECTS / "CL008/projects/python-cli-branch-import"
    model = _model(root)
    daemon = next(p for p in model.processes if p.entry == "media/service.py")
    assert daemon.kind == "worker"
    assert "media/plugins/pluginscli.py" not in daemon.files
    assert "media/library.py" in daemon.files
    command = next(p for p in model.processes if p.entry == "media/plugins/pluginscli.py")
    assert command.kind == "cli"
    assert any("imported only in a branch of `main()` that runs a command" in e and "runs until stopped" in e
               for e in command.evidence)
    assert not model.long_lived("media/plugins/pluginscli.py")


def test_each_mode_of_one_console_script_is_its_own_command() -> None:
    # motioneye's meyectl: the server branch keeps its module; sendmail resets SIGCHLD and ends
    root = PROJECTS / "CL008/projects/python-mode-branches"
    model = _model(root)
    assert model.long_lived("cam/server.py")
    assert not model.long_lived("cam/sendmail.py")
    assert not model.long_lived("cam/webhook.py")
    kinds = {p.entry: p.kind for p in model.processes}
    assert kinds["cam/sendmail.py"] == "cli" and kinds["cam/webhook.py"] == "cli"


def test_a_branch_that_serves_keeps_its_import(tmp_path: Path) -> None:
    # both branches start the service: the module of either is the server's
    write_project(tmp_path, {
        "requirements.txt": "uvicorn\ngunicorn\nrequests\n",
        "Dockerfile": 'FROM python:3.12\nCMD ["python", "-m", "svc.run"]\n',
        "svc/__init__.py": "",
        "svc/app.py": "async def app(scope, receive, send):\n    pass\n",
        "svc/gunicorn_app.py": "import requests\nimport uvicorn\n\nfrom svc.app import app\n\n\n"
                               "def serve():\n    requests.get('https://config.example/boot')\n    uvicorn.run(app)\n",
        "svc/run.py": "import os\n\nimport uvicorn\n\nfrom svc.app import app\n\n\ndef main():\n"
                      "    if os.environ.get('PRODUCTION'):\n        from svc.gunicorn_app import serve\n\n        serve()\n"
                      "    else:\n        uvicorn.run(app)\n\n\nif __name__ == '__main__':\n    main()\n",
    })
    model = _model(tmp_path)
    assert model.long_lived("svc/gunicorn_app.py")
    assert ("CL008", "svc/gunicorn_app.py", 8) in _found(tmp_path, select=["CL008"])


def test_a_management_command_whose_loop_is_one_call_down_is_a_worker() -> None:
    # relay's process_emails_from_sqs: `handle()` → `self.process_queue()`, `while not
    # self.halt_requested:` that Ctrl-C and an optional --max-seconds end
    root = PROJECTS / "CL012/projects/python-management-loop-one-call-down"
    model = _model(root)
    kinds = {p.entry: p.kind for p in model.processes}
    assert kinds["emails/management/commands/process_queue.py"] == "worker"
    assert kinds["emails/management/commands/drain.py"] == "cli"
    found = _found(root, select=["CL006", "CL012"])
    assert ("CL012", "emails/management/commands/process_queue.py", 22) in found
    # its SQS resource is a long-lived client now (it was a CLI's before)
    assert ("CL006", "emails/management/commands/process_queue.py", 15) in found


def test_a_handler_covers_only_the_processes_that_load_it() -> None:
    # healthchecks: sendreports registers SIGTERM; smtpd, another process, does not load that handler
    root = PROJECTS / "CL012/projects/python-command-interrupt-only"
    found = _found(root, select=["CL012"])
    assert found == {("CL012", "hc/management/commands/smtpd.py", 12)}


def test_an_asyncio_daemon_with_no_sigterm_handler_is_one_finding_at_its_runner() -> None:
    root = PROJECTS / "CL012/projects/python-asyncio-daemon"
    model = _model(root)
    assert model.long_lived("reminder/main.py")  # `sync_forever()` is the bot's loop
    result = scan([str(root)], select=["CL012"])
    [finding] = result.findings
    assert (finding.location.path, finding.location.start_line) == ("reminder/main.py", 24)
    assert "asyncio" in finding.problems[0] and "SIGINT only" in finding.problems[0]
    assert _found(PROJECTS / "CL012/projects/python-asyncio-daemon-handled", select=["CL012"]) == set()


def test_hypercorn_with_its_own_shutdown_trigger_hosts_nothing() -> None:
    trigger = _model(PROJECTS / "CL012/projects/python-hypercorn-shutdown-trigger")
    assert [p.hosted for p in trigger.processes if p.entry == "main.py"] == [False]
    own = _model(PROJECTS / "CL012/projects/python-hypercorn-own-signals")
    assert [p.hosted for p in own.processes if p.entry == "main.py"] == [True]


def test_a_call_on_an_abstract_base_runs_its_subclass_override() -> None:
    root = PROJECTS / "CL003/projects/py-abstract-base"
    assert _found(root, select=["CL003"]) == {("CL003", "bot/cron.py", 15)}
