"""``python -m archive``: the command-line interface (see ``archive.cli``)."""

import sys

from .cli import main

sys.exit(main())
