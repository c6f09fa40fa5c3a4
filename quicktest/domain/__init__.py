"""The pure domain: bank types, responses, metrics and units, the engine, retention maths and
comparisons. No file, database, terminal, template or validation library is imported here;
the sources read the outside world into these types and the faces show what they compute."""
