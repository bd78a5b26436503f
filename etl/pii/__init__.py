"""The direct-identifier guard: a file naming or holding a person's identifiers is refused whole.

- values.py: what an identifier looks like in a value, and what of a value may be kept or repeated;
- headers.py: what a column's name says it holds;
- scan.py: both checks over a staged table, in one set-based pass over its values.
"""
