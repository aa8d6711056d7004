"""`python -m spamline` is the `spamline` command."""
from spamline.cli import main

main()
