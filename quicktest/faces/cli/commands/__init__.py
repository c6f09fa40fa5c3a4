"""The commands: one module each, loaded only when named on the command line (a module adds
its options with `add_arguments(parser)` and does its work in `run(args, workspace)`).

The table gives each command's one-line help, so `quicktest --help` lists them all without
loading any."""

COMMANDS: dict[str, str] = {
    "run": "Run the quick test in the terminal (the default).",
    "score": "Score an answers file and print the pattern read.",
    "report": "Render the pattern read as a PDF report.",
    "metrics": "Compute NRR, GRR and logo retention from account-level revenue.",
    "sessions": "List, show, export, import or delete sessions.",
    "compare": "Compare two reads (sessions or answer files), or a client's respondents.",
    "batch": "Score a CSV of responses, one row per respondent.",
    "serve": "Serve the respondents' web form, and the terminal app in a browser on loopback.",
    "invite": "Make a private link for one respondent, or list or revoke them.",
    "clients": "List clients, show one, or set its anonymity, sponsor or tags.",
    "portfolio": "Every client's latest read: the patterns most common, who got better.",
    "validate": "Check a question bank and say what it holds.",
}
