"""``python -m netstat_normalizer``."""

import sys

from .cli import main

sys.exit(main())
