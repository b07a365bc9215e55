"""Lets `python -m peerjournal` run the command line."""

from peerjournal.cli import main

if __name__ == "__main__":
    main()
