"""Background jobs: the job functions run by RQ or inline (``functions``, taking ids), their
status rows (``models``) and the result files kept in the database (``files``)."""
