from crashlint.cli import run

run()
