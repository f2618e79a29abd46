"""``python -m fazhi``: the command-line interface (see ``fazhi.cli``)."""

import sys

from .cli import main

sys.exit(main())
