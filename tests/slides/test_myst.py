"""slides.myst and slides.references: MyST rewritten as the book prints it."""

from slides.myst import convert_markdown, convert_roles, numbered
from slides.references import cite_text, citation_labels, harvest_references

REFERENCES = {
    "equation-em-loglik": "(78)",
    "em-fig-opening": "Fig. 30",
    "em-thm-monotone": "Theorem 10",
    "em-ex-diag": "Exercise 16 (The M-step for diagonal covariances)",
    "em-sec-start": "Where to start",
}
CITATIONS = {"bishop2006prml": ("Bishop", "2006"), "dempster1977em": ("Dempster et al.", "1977")}


def test_roles_become_the_books_text():
    text = ("By {eq}`em-loglik` and {numref}`em-fig-opening`, {prf:ref}`em-thm-monotone` "
            "holds ({ref}`em-sec-start`; {ref}`see here <em-sec-start>`; "
            "{numref}`Figure %s <em-fig-opening>`).")
    assert convert_roles(text, REFERENCES, CITATIONS) == (
        "By (78) and Fig. 30, Theorem 10 holds (Where to start; see here; Figure 30).")


def test_citations_author_year():
    assert convert_roles("{cite:t}`bishop2006prml`", REFERENCES, CITATIONS) == "Bishop (2006)"
    assert convert_roles("{cite:p}`bishop2006prml,dempster1977em`", REFERENCES, CITATIONS) == (
        "(Bishop, 2006; Dempster et al., 1977)")
    assert cite_text("unknown", CITATIONS, parenthetical=False) == "unknown (n.d.)"


def test_unknown_labels_and_roles_keep_readable_text():
    assert convert_roles("{eq}`nowhere`", {}, {}) == "(nowhere)"
    assert convert_roles("{download}`the data <data/x.csv>`", {}, {}) == "the data"
    assert convert_roles("{doc}`chapters/04_em`", {}, {}) == "04 em"


def test_labelled_equation_gets_the_book_number_as_a_tag():
    markdown, notes = convert_markdown("$$\na = b\n$$ (em-loglik)", REFERENCES, CITATIONS)
    assert markdown == "$$\na = b\n\\tag{78}\n$$" and notes == ""
    unlabelled, _ = convert_markdown("$$\na = b\n$$", REFERENCES, CITATIONS)
    assert unlabelled == "$$\na = b\n$$"


def test_theorem_and_proof_become_boxes_with_numbered_titles():
    source = ("```{prf:theorem} Monotonicity of EM\n:label: em-thm-monotone\n\n"
              "It rises, by {eq}`em-loglik`.\n```\n\n```{prf:proof}\nJensen.\n```")
    markdown, _ = convert_markdown(source, REFERENCES, CITATIONS)
    assert '<div class="course-box course-theorem">' in markdown
    assert "**Theorem 10** (Monotonicity of EM)." in markdown
    assert "It rises, by (78)." in markdown
    assert '<div class="course-box course-proof">' in markdown and "Jensen. $\\square$" in markdown
    assert "```" not in markdown and ":label:" not in markdown
    # the box's body is separated by blank lines, so Markdown inside it is parsed
    assert "\n\nIt rises" in markdown and "\n\n</div>" in markdown


def test_solutions_go_to_the_notes():
    source = ("````{exercise} Diagonal\n:label: em-ex-diag\n\nDerive it.\n````\n\n"
              "````{solution} em-ex-diag\n:class: dropdown\n\nThe answer is $\\sigma^2$.\n````")
    markdown, notes = convert_markdown(source, REFERENCES, CITATIONS)
    assert "**Exercise 16** (Diagonal)." in markdown and "answer" not in markdown
    assert notes.startswith("**Solution to Exercise 16.**") and "The answer is $\\sigma^2$." in notes


def test_admonitions_and_targets():
    source = "(a-label)=\n```{admonition} Common mistakes\n:class: warning\n\n- one\n```"
    markdown, _ = convert_markdown(source, REFERENCES, CITATIONS)
    assert "a-label" not in markdown
    assert 'course-warning' in markdown and "**Common mistakes**" in markdown and "- one" in markdown


def test_numbered_takes_kind_and_number():
    assert numbered("Exercise 16 (The M-step)") == "Exercise 16"
    assert numbered("Theorem 10") == "Theorem 10"
    assert numbered("the exercise") == ""


def test_harvest_reads_internal_links(tmp_path):
    (tmp_path / "chapters").mkdir()
    (tmp_path / "chapters" / "a.html").write_text(
        '<p><a class="reference internal" href="#equation-x">(3)</a> and '
        '<a class="reference internal" href="b.html#thm-y">Theorem <em>2</em></a> and '
        '<a class="reference internal" href="b.html#ex-z"> Exercise 4 (Long title)</a> '
        '<a class="reference internal" href="#ex-z"><span>Exercise 4</span></a></p>')
    found = harvest_references(tmp_path)
    assert found == {"equation-x": "(3)", "thm-y": "Theorem 2", "ex-z": "Exercise 4"}


def test_citation_labels_from_a_bib_file(tmp_path):
    bib = tmp_path / "refs.bib"
    bib.write_text(
        "@book{one, author={Bishop, Christopher M.}, title={PRML}, year={2006}}\n"
        "@article{two, author={Azzalini, A. and Bowman, A. W.}, title={T}, year={1990}}\n"
        "@article{three, author={Dempster, A. and Laird, N. and Rubin, D.}, title={T}, year={1977}}\n")
    assert citation_labels(bib) == {"one": ("Bishop", "2006"), "two": ("Azzalini and Bowman", "1990"),
                                    "three": ("Dempster et al.", "1977")}
