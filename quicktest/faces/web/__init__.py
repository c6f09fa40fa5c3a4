"""`quicktest serve`: the respondents' web form (private links and the open quick test),
and the consultant's terminal app in the browser, on loopback only."""
