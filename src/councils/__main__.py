"""``python -m councils`` runs the command line."""

from councils.cli.main import main

main()
