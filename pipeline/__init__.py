"""Framsyn's domain: organisations, people, calls, project ideas, stages and their history."""
