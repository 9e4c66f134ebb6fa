"""`python -m lerld.cli`: the `lerld` command."""

import sys

from lerld.cli import main

sys.exit(main())
