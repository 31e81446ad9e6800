"""Split MyST markdown into top-level blocks.

The slides need to cut a long markdown cell between blocks (never inside a
proof or a display equation) and to rewrite MyST directives, so the source is
first read as a sequence of :class:`Block` s:

``heading``   a ``#`` ... ``######`` line (``level`` set);
``target``    a ``(label)=`` line (``label`` set);
``directive`` a fenced ``{name}`` block: ``name``, ``argument``, ``options``
              (dict of ``:key: value`` lines) and ``body`` (the rest);
``math``      a ``$$ ... $$`` display, with its ``(label)`` if any;
``code``      a plain fenced code block;
``text``      anything else up to a blank line (paragraphs, lists, tables).

Only the outermost level is parsed; a directive's body is raw text that
:func:`parse_blocks` can be called on again.
"""

import re
from dataclasses import dataclass, field

_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_TARGET = re.compile(r"^\(([^()\s]+)\)=\s*$")
_DIRECTIVE = re.compile(r"^(?P<fence>`{3,}|:{3,})\{(?P<name>[^}]+)\}\s*(?P<argument>.*?)\s*$")
_CODE_FENCE = re.compile(r"^(?P<fence>`{3,}|~{3,})(?P<info>[^`]*)$")
_OPTION = re.compile(r"^:([\w-]+):\s*(.*?)\s*$")
_MATH_LABEL = re.compile(r"^(?P<body>.*?)\$\$\s*(?:\((?P<label>[^()\s]+)\))?\s*$", re.S)


@dataclass
class Block:
    kind: str
    text: str  # the block's source, exactly as written
    level: int = 0
    label: str = ""
    name: str = ""
    argument: str = ""
    options: dict = field(default_factory=dict)
    body: str = ""


def _closes(line, fence):
    stripped = line.strip()
    return (len(stripped) >= len(fence) and set(stripped) == {fence[0]})


def _fenced(lines, start, fence):
    """Index just past the line that closes the fence opened at ``start``."""
    for end in range(start + 1, len(lines)):
        if _closes(lines[end], fence):
            return end + 1
    return len(lines)


def _split_options(body_lines):
    options, index = {}, 0
    while index < len(body_lines):
        match = _OPTION.match(body_lines[index])
        if not match:
            break
        options[match.group(1)] = match.group(2)
        index += 1
    while index < len(body_lines) and not body_lines[index].strip():
        index += 1
    return options, "\n".join(body_lines[index:])


def _math_end(lines, start):
    """Index just past a display-math block starting at ``start``, and its label."""
    first = lines[start][2:]
    match = _MATH_LABEL.match(first)
    if match and first.strip():  # $$ ... $$ on one line
        return start + 1, match.group("label") or ""
    for end in range(start + 1, len(lines)):
        match = _MATH_LABEL.match(lines[end])
        if match and "$$" in lines[end]:
            return end + 1, match.group("label") or ""
    return len(lines), ""


def _starts_block(line):
    return bool(_HEADING.match(line) or _TARGET.match(line) or _DIRECTIVE.match(line)
                or _CODE_FENCE.match(line) or line.startswith("$$"))


def parse_blocks(source):
    """The top-level blocks of a MyST markdown string, in order.

    Parameters
    ----------
    source : str

    Returns
    -------
    list of Block
        Joining the blocks' ``text`` with blank lines gives back the source
        up to blank-line differences.
    """
    lines = source.splitlines()
    blocks, index = [], 0
    while index < len(lines):
        line = lines[index]
        if not line.strip():
            index += 1
            continue
        heading, target = _HEADING.match(line), _TARGET.match(line)
        directive, code = _DIRECTIVE.match(line), _CODE_FENCE.match(line)
        if heading:
            blocks.append(Block("heading", line, level=len(heading.group(1)),
                                argument=heading.group(2)))
            index += 1
        elif target:
            blocks.append(Block("target", line, label=target.group(1)))
            index += 1
        elif directive:
            end = _fenced(lines, index, directive.group("fence"))
            closed = end - 1 > index and _closes(lines[end - 1], directive.group("fence"))
            inner = lines[index + 1:end - 1] if closed else lines[index + 1:end]
            options, body = _split_options(inner)
            blocks.append(Block("directive", "\n".join(lines[index:end]),
                                name=directive.group("name"),
                                argument=directive.group("argument"),
                                label=options.get("label", ""), options=options, body=body))
            index = end
        elif code:
            end = _fenced(lines, index, code.group("fence"))
            blocks.append(Block("code", "\n".join(lines[index:end])))
            index = end
        elif line.startswith("$$"):
            end, label = _math_end(lines, index)
            blocks.append(Block("math", "\n".join(lines[index:end]), label=label))
            index = end
        else:
            end = index + 1
            while end < len(lines) and lines[end].strip() and not _starts_block(lines[end]):
                end += 1
            blocks.append(Block("text", "\n".join(lines[index:end])))
            index = end
    return blocks
