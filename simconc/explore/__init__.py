"""Exploration: run a program under many schedules (all that matter, or a sample), check it."""
