"""Lecture slides from the chapter notebooks (reveal.js, offline).

``python -m slides.build`` turns every chapter notebook into a reveal.js deck
with nbconvert's slides exporter, after the book is built (it reads the built
pages for equation, figure and theorem numbers).  The modules, one idea each:

``blocks``
    splits MyST markdown into top-level blocks (paragraphs, headings,
    directives, display math);
``myst``
    rewrites MyST-only syntax (roles, directives, labelled equations) as the
    plain Markdown and HTML that nbconvert renders;
``references``
    the numbers and author-year texts the book gave each label and citation;
``metadata``
    the slide metadata stored in the chapter notebooks, and the rule that
    fills it in;
``build``
    cuts long cells into slides and writes the decks.
"""
