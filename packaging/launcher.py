"""Entry point for the frozen build: the same CLI as the ``event-inspector`` script."""

import multiprocessing
import sys

from inspector.cli import main

if __name__ == "__main__":
    multiprocessing.freeze_support()
    sys.exit(main())
