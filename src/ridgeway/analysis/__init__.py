"""The views of L2 regularization as functions on the user's data, all from one spectrum."""
