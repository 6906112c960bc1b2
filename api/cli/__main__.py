"""`python -m api.cli`: the same as the `fuqing` command."""

from api.cli import main

main()
