"""The pure domain: bank types, responses and sessions, metrics and units, the compiled bank
and scoring, the read, retention maths and comparisons. No file, database, terminal, template
or validation library is imported here; the sources read the outside world into these types,
the use cases (`quicktest.app`) compose them and the faces show what they compute."""
