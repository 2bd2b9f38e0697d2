"""The application: wires settings, database, NLU, engine and channels together."""
