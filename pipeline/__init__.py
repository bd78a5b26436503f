"""The nightly refresh, end to end: the drop through etl's stages (reading, guard, contract, staging),
the marts, the precomputed sums the pages read, and the publish of the new warehouse version.

It sits between `etl` (the stages, as functions) and `metrics` (the definitions it sums ahead):
etl -> pipeline -> metrics -> ui -> pages. Neither etl nor metrics imports it.
"""
