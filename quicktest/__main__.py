"""`python -m quicktest` runs the command line."""

from quicktest.faces.cli.main import main

raise SystemExit(main())
