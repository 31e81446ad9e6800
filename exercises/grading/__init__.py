"""Trusted grading tools of the course's nbgrader exercises (instructor side only).

See ``exercises/README.md`` and the book page ``for_instructors.md``.
"""
