"""Annotated workbooks (--output): the rows as read, live formulas, checks with clauses."""
