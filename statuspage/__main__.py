"""`python -m statuspage` runs the same CLI as the `statuspage` script."""

from __future__ import annotations

import sys

from statuspage.cli import main

sys.exit(main())
