"""`python -m piramide`: the same command line as the `piramide` command."""

from .cli import main

if __name__ == "__main__":
    main(prog_name="piramide")
