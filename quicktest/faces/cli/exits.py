"""Exit status of every command: done, an internal fault, bad input (an InputError)."""

EXIT_OK, EXIT_FAULT, EXIT_INPUT = 0, 1, 2
