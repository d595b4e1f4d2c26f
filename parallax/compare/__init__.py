"""Comparing the coverage: what each outlet carried, in which words, with what framing and tone,
and how an actor's stated position moved over time."""
