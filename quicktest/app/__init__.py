"""The use cases every face shares, one module each: the full read (with its warnings, notes,
conflicts, what would change it and the client's respondents), the revenue read against the
bank, sessions, invites, comparisons, batch, the report's assembly and saving a live session.

Whatever two faces show is computed once here; faces only format it. This layer reads the
outside world through `quicktest.sources` and computes with `quicktest.domain`."""
