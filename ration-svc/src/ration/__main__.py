"""`python -m ration`: serve the API (with the outbox relay and consumers in-process);
`python -m ration import <kind> --governorate <code> FILE`: load a governorate file."""

import sys

from ration.cli import main

if __name__ == "__main__":
    sys.exit(main())
