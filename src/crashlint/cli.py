"""The command line's entry point: `crashlint scan`, `crashlint rules`, `crashlint explain`,
`crashlint clean`, `crashlint processes`, `crashlint server`, `--version`.

The commands, their options and help are typer's (`crashlint.commands`). A plain `crashlint scan …`
(`crashlint.scan_command.parse` reads every argument) and `crashlint --version` are answered
without importing typer: most scans are re-scans the result cache answers in a few milliseconds,
and typer's import cost them a fifth of their time (issue 13). Every other command line goes to
typer; both ways print the same lines and exit with the same codes.

Exit codes (SPEC §6): 0 nothing at or above the fail threshold, 1 findings at or above it,
2 usage, configuration or internal error. Errors are one line on stderr, never a traceback.
"""

from __future__ import annotations

import os
import sys

from crashlint import __version__


class Terminated(BaseException):
    """SIGTERM (what `timeout`, CI runners and editors send): unwinds the scan like an interrupt, so
    its worker processes are stopped and no cache file is left half-written."""


def _terminate(signum, frame) -> None:
    raise Terminated()


def _standalone(command) -> None:
    """Run `command` as typer runs a command in standalone mode (typer.core._main): its `Exit` code
    is the process's, 0 when it returns; an interrupt exits 130 silently, an end of input prints
    "Aborted!" and exits 1, a closed pipe exits 1."""
    import errno

    from crashlint.scan_command import Exit, echo

    try:
        try:
            command()
        except EOFError:
            echo(err=True)
            echo("Aborted!", err=True)
            sys.exit(1)
        except KeyboardInterrupt:
            sys.exit(130)
        except OSError as exc:
            if exc.errno != errno.EPIPE:
                raise
            from typer._click.utils import PacifyFlushWrapper

            sys.stdout = PacifyFlushWrapper(sys.stdout)  # type: ignore[assignment]
            sys.stderr = PacifyFlushWrapper(sys.stderr)  # type: ignore[assignment]
            sys.exit(1)
    except Exit as exc:
        sys.exit(exc.code)
    sys.exit(0)


def _run(args: list[str]) -> None:
    if args == ["--version"]:
        sys.stdout.write(f"crashlint {__version__}\n")  # as typer.echo writes it
        sys.stdout.flush()
        sys.exit(0)
    if args[:1] == ["scan"]:
        from crashlint import scan_command

        values = scan_command.parse(args[1:])
        if values is not None:
            _standalone(lambda: scan_command.run(**values))
            return
    from crashlint.commands import app

    app(prog_name="crashlint")  # standalone: usage errors exit 2, typer.Exit carries our codes


def run() -> None:
    """The console script: `main`, in a process that ends with it. What a scan built of the project
    is not freed object by object (`crashlint.HELD_UNTIL_EXIT`): once the output is flushed, the
    process exits at once (no cache file or report is open by then: each is written, closed and
    renamed before the scan returns; the parse workers are stopped when the facts are loaded)."""
    import crashlint

    crashlint.HELD_UNTIL_EXIT = []
    try:
        main()
        code: object = 0
    except SystemExit as exc:
        code = 0 if exc.code is None else exc.code
    if not crashlint.HELD_UNTIL_EXIT or not isinstance(code, int):
        sys.exit(code)
    import signal

    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # the scan is over: a SIGTERM now ends it as it would Python's own exit
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (OSError, ValueError):  # a closed pipe (`| head`): as Python's own exit would, say nothing more
        code = code or 120
    os._exit(code)


def main() -> None:
    """Console entry point: any unexpected error is one line and exit code 2, never a traceback."""
    import signal

    signal.signal(signal.SIGTERM, _terminate)
    try:
        _run(sys.argv[1:])
    except Terminated:
        from crashlint.scan_command import echo

        echo("crashlint: terminated", err=True)
        sys.exit(128 + signal.SIGTERM)  # 143, as a process the signal killed
    except KeyboardInterrupt:
        from crashlint.scan_command import echo

        echo("crashlint: interrupted", err=True)
        sys.exit(128 + signal.SIGINT)  # 130
    except Exception as exc:  # noqa: BLE001 - the promise is: no traceback, exit 2
        if os.environ.get("CRASHLINT_DEBUG"):
            raise
        from crashlint.scan_command import echo

        echo(f"crashlint: internal error: {type(exc).__name__}: {exc} (set CRASHLINT_DEBUG=1 for details)", err=True)
        sys.exit(2)
