"""slides.blocks: MyST markdown read as top-level blocks."""

from slides.blocks import parse_blocks

SOURCE = """(sec-label)=
## A section

Some text with $x$ and
a second line.

```{prf:theorem} A title with $\\mu$
:label: thm-one

Body line.

$$
a = b
$$ (eq-inner)
```

````{exercise} Nested fences
:label: ex-one

```python
print(1)
```
````

$$
\\sum_n x_n
$$ (eq-sum)

$$ y = 1 $$

```python
z = 2
```
- a list item
- another
"""


def test_block_kinds_in_order():
    kinds = [block.kind for block in parse_blocks(SOURCE)]
    assert kinds == ["target", "heading", "text", "directive", "directive", "math", "math",
                     "code", "text"]


def test_heading_target_and_directive_fields():
    blocks = parse_blocks(SOURCE)
    assert blocks[0].label == "sec-label"
    assert (blocks[1].level, blocks[1].argument) == (2, "A section")
    theorem = blocks[3]
    assert theorem.name == "prf:theorem" and theorem.argument == "A title with $\\mu$"
    assert theorem.label == "thm-one" and theorem.options == {"label": "thm-one"}
    assert theorem.body.startswith("Body line.") and theorem.body.rstrip().endswith("(eq-inner)")


def test_a_longer_fence_contains_a_shorter_one():
    exercise = parse_blocks(SOURCE)[4]
    assert exercise.name == "exercise" and "print(1)" in exercise.body
    assert [b.kind for b in parse_blocks(exercise.body)] == ["code"]


def test_display_math_labels():
    blocks = parse_blocks(SOURCE)
    assert blocks[5].label == "eq-sum" and "\\sum_n x_n" in blocks[5].text
    assert blocks[6].label == "" and blocks[6].text == "$$ y = 1 $$"


def test_a_paragraph_ends_where_a_display_starts():
    blocks = parse_blocks("Then\n$$\nx\n$$\nand more.")
    assert [b.kind for b in blocks] == ["text", "math", "text"]


def test_an_unclosed_directive_takes_the_rest():
    blocks = parse_blocks("```{note}\nnever closed\nstill inside")
    assert len(blocks) == 1 and blocks[0].body == "never closed\nstill inside"
