"""nbgrader configuration of the course's exercises (run nbgrader from this folder).

Layout (nbgrader's defaults): source/<assignment>/<assignment>.ipynb (with
solutions and hidden tests), release/<assignment>/ (student versions,
committed), submitted/<student>/<assignment>/, autograded/, feedback/,
gradebook.db.  The instructor commands are in README.md.
"""

import os
import sys

from nbconvert.preprocessors import CSSHTMLHeaderPreprocessor
from nbgrader.preprocessors import ClearHiddenTests, GetGrades

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from grading.feedback import HideHiddenTestOutputs  # noqa: E402

c = get_config()  # noqa: F821 (provided by nbgrader when it loads this file)

c.CourseDirectory.course_id = "gmm-course"
c.CourseDirectory.root = HERE

# Student stubs.
c.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE\nraise NotImplementedError()"}
c.ClearSolutions.text_stub = "YOUR ANSWER HERE"

# Autograding: a per-cell time limit (a cell that loops forever is interrupted
# and graded 0; the following cells still run).  Override on the command line
# with --Execute.timeout=N (python -m grading.autograde --timeout N does).
c.Execute.timeout = 60
c.Execute.interrupt_on_timeout = True

# nbgrader gives 0 to a test cell that writes anything to stderr.  A warning
# or a print(..., file=sys.stderr) in an answer must not cost points: only an
# error (an exception) fails a test.  So every stderr output is dropped.
c.IgnorePattern.enabled = True
c.IgnorePattern.pattern = r"[\s\S]"

# Feedback: no hidden test source, and no hidden test traceback either.
c.GenerateFeedback.preprocessors = [
    GetGrades,
    HideHiddenTestOutputs,
    ClearHiddenTests,
    CSSHTMLHeaderPreprocessor,
]

# `nbgrader zip_collect <assignment>`: files dropped into
# downloaded/<assignment>/archive/ named  <student_id>__<assignment>.ipynb
c.ZipCollectApp.collector_plugin = "nbgrader.plugins.zipcollect.FileNameCollectorPlugin"
# (the pattern is matched against the full path of each extracted file)
c.FileNameCollectorPlugin.named_regexp = r"^.*/(?P<student_id>[^/]+?)__(?P<file_id>[^/]+\.ipynb)$"
