"""Sign-in, passwords and who the current user is."""
