"""`python -m dsconv.train ...`: the training command line (dsconv.training.cli), kept at its old address."""

import sys

from dsconv.training.cli import main

if __name__ == "__main__":
    sys.exit(main())
