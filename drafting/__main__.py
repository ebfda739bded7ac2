"""Entry point for ``python -m drafting``."""

import sys

from drafting.cli import main

sys.exit(main())
