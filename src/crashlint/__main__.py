from crashlint.cli import main

main()
