"""`python -m quicktest` runs the command line."""

from quicktest.cli import main

raise SystemExit(main())
