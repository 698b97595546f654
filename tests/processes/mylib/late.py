"""Imported by a child only, at first: the parent's own import of it runs it afresh."""
import mylib

imports = mylib.bump(1000)
