"""One trusted-check module per assignment, named after the assignment (see grading.spec)."""
