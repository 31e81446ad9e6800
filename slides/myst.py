"""Rewrite MyST markdown as the Markdown and HTML that nbconvert renders.

The book's markdown uses MyST syntax that only Sphinx understands: roles
(``{eq}`label```, ``{cite:t}`key```, ...), fenced directives (theorems,
proofs, exercises, admonitions) and labelled display equations
(``$$ ... $$ (label)``).  nbconvert's renderer (mistune) would print them
verbatim, so each is rewritten:

* references become the text the book shows ("(78)", "Fig. 30",
  "Theorem 10"; see :mod:`slides.references`), citations become author-year
  text;
* a labelled equation gets its book number as a ``\\tag``;
* theorem-like directives and admonitions become a ``<div>`` box with a bold
  title, whose body is rewritten recursively;
* exercise solutions are taken out of the slide and returned separately, for
  the speaker notes;
* ``(label)=`` targets disappear.
"""

import re

from .blocks import parse_blocks
from .references import cite_text

_ROLE = re.compile(r"\{(?P<role>[\w:-]+)\}`(?P<content>[^`]*)`")
_EXPLICIT = re.compile(r"^(?P<text>.*?)\s*<(?P<target>[^<>]+)>$", re.S)
_NUMBER = re.compile(r"(\d[\d.]*)\s*$")
_NUMBERED = re.compile(r"^(?P<kind>[A-Z]\w*)\s+(?P<number>\d[\d.]*)")

TITLES = {
    "prf:theorem": "Theorem", "prf:lemma": "Lemma", "prf:proposition": "Proposition",
    "prf:corollary": "Corollary", "prf:definition": "Definition", "prf:algorithm": "Algorithm",
    "prf:remark": "Remark", "prf:example": "Example", "prf:conjecture": "Conjecture",
    "prf:axiom": "Axiom", "prf:observation": "Observation", "prf:property": "Property",
    "prf:assumption": "Assumption", "prf:criterion": "Criterion", "exercise": "Exercise",
}
ADMONITIONS = ("note", "warning", "tip", "important", "hint", "caution", "attention",
               "danger", "error", "seealso")


def _reference_text(role, content, references):
    explicit = _EXPLICIT.match(content)
    if explicit and role != "eq":
        text, target = explicit.group("text"), explicit.group("target")
        if role == "numref" and ("%s" in text or "{number}" in text):
            number = _NUMBER.search(references.get(target, ""))
            value = number.group(1) if number else "?"
            return text.replace("%s", value).replace("{number}", value)
        return text
    label = content.strip()
    if role == "eq":
        return references.get(f"equation-{label}", f"({label})")
    if role == "doc":
        return references.get(label, label.rstrip("/").split("/")[-1].replace("_", " "))
    return references.get(label, label)


def convert_roles(text, references, citations):
    """Replace every MyST role in ``text`` by the text the book prints for it."""
    def replace(match):
        role, content = match.group("role"), match.group("content")
        if role in ("cite:t", "cite"):
            return cite_text(content, citations, parenthetical=False)
        if role in ("cite:p", "cite:ps"):
            return cite_text(content, citations, parenthetical=True)
        if role in ("eq", "numref", "ref", "prf:ref", "doc"):
            return _reference_text(role, content, references)
        explicit = _EXPLICIT.match(content)
        return explicit.group("text") if explicit else content
    return _ROLE.sub(replace, text)


def convert_math(block, references):
    """A display equation, with the book's number as a ``\\tag`` when labelled."""
    if not block.label:
        return block.text
    number = _NUMBER.search(references.get(f"equation-{block.label}", "").strip("()"))
    body = re.sub(r"\$\$\s*\([^()\s]+\)\s*$", "", block.text.rstrip()).rstrip()
    body = body[2:] if body.startswith("$$") else body
    body = body[:-2] if body.endswith("$$") else body
    tag = f"\\tag{{{number.group(1)}}}" if number else ""
    return f"$$\n{body.strip()}\n{tag}\n$$".replace("\n\n$$", "\n$$")


def numbered(text):
    """"Exercise 6" from "Exercise 6 (its title)"; '' when there is no number."""
    match = _NUMBERED.match(text.strip())
    return f"{match.group('kind')} {match.group('number')}" if match else ""


def _box(css_class, title, body):
    parts = [f'<div class="course-box course-{css_class}">', "", title]
    if body.strip():
        parts += ["", body]
    parts += ["", "</div>"]
    return "\n".join(parts)


def convert_directive(block, references, citations):
    """``(markdown, notes)`` for one directive block; ``notes`` is '' or a solution."""
    name, argument = block.name, convert_roles(block.argument, references, citations)
    body, notes = convert_markdown(block.body, references, citations)
    if name == "solution":
        exercise = numbered(references.get(block.argument.strip(), "")) or "the exercise"
        return "", f"**Solution to {exercise}.**\n\n{body}" + (f"\n\n{notes}" if notes else "")
    if name == "prf:proof":
        return _box("proof", "*Proof.*", body + " $\\square$"), notes
    if name in TITLES:
        number = numbered(references.get(block.label, "")) if block.label else ""
        heading = number if number.startswith(TITLES[name]) else TITLES[name]
        title = f"**{heading}** ({argument})." if argument else f"**{heading}.**"
        return _box(name.split(":")[-1], title, body), notes
    if name == "math":
        math = parse_blocks(f"$$\n{block.body}\n$$" + (f" ({block.label})" if block.label else ""))
        return convert_math(math[0], references), notes
    if name == "admonition" or name in ADMONITIONS or name == "dropdown":
        title = argument or name.capitalize()
        css = "warning" if "warning" in block.options.get("class", "") or name in (
            "warning", "caution", "danger", "error") else "note"
        return _box(css, f"**{title}**", body), notes
    return _box("note", f"**{argument or name}**", body), notes


def convert_markdown(source, references, citations):
    """``(markdown, notes)``: a MyST string rewritten for nbconvert, and its solutions.

    Parameters
    ----------
    source : str
        MyST markdown (a cell, or a directive's body).
    references : dict
        ``{label or fragment: text}`` from :func:`slides.references.harvest_references`.
    citations : dict
        ``{key: (authors, year)}`` from :func:`slides.references.citation_labels`.
    """
    parts, notes = [], []
    for block in parse_blocks(source):
        text, note = convert_block(block, references, citations)
        if text:
            parts.append(text)
        if note:
            notes.append(note)
    return "\n\n".join(parts), "\n\n".join(notes)


def convert_block(block, references, citations):
    """``(markdown, notes)`` for one :class:`slides.blocks.Block`."""
    if block.kind == "target":
        return "", ""
    if block.kind == "math":
        return convert_math(block, references), ""
    if block.kind == "directive":
        return convert_directive(block, references, citations)
    if block.kind == "code":
        return block.text, ""
    return convert_roles(block.text, references, citations), ""
