"""`python -m kaiming_lint`: the kaiming-lint command line."""

from kaiming_lint.cli import main

raise SystemExit(main())
