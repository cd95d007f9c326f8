"""A model of how Streamlit renders Markdown, to see which characters of a text a reader never sees.

Streamlit renders labels, captions, help, messages and ``st.markdown`` with react-markdown: CommonMark, GFM
(tables, ``~~strike~~``; remark-gfm also strikes ``~single~`` tildes) and remark-math (``$x$`` inline and
``$$ ... $$`` blocks become KaTeX, like code spans: a run of ``$`` closed by a run of the same length). Here
markdown-it-py's CommonMark parser plays that part, with a ``$`` rule written like its code-span rule.

:func:`render` walks the tokens and sorts every character of :data:`SPECIAL` in the source into one of three
heaps: *visible* (in the text or code a reader sees), *intended* markup (``**bold**`` and ``*emphasis*`` between
words, list bullets, escaping backslashes, maths where formulas are allowed) or *lost*: markup nobody meant —
emphasis glued to letters, digits or the rest of its own run of ``*`` (``2*x*y``, ``x**2 + y**2``,
``(1-x)**2 + 100*(y-1)``), maths in a catalog string, raw HTML.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from markdown_it import MarkdownIt
from markdown_it.rules_block.fence import make_fence_rule
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token

SPECIAL = "*_~$\\<"
PAIRS = {"strong_open": "strong_close", "em_open": "em_close", "s_open": "s_close"}


def _math_inline(state: StateInline, silent: bool) -> bool:
    """``$...$`` / ``$$...$$`` like a code span (remark-math's ``singleDollarTextMath``); no closer: text."""
    start = state.pos
    if state.src[start] != "$":
        return False
    pos = start
    while pos < state.posMax and state.src[pos] == "$":
        pos += 1
    marker, search = state.src[start:pos], pos
    while (close := state.src.find("$", search)) != -1 and close < state.posMax:
        end = close
        while end < state.posMax and state.src[end] == "$":
            end += 1
        if end - close == len(marker):
            if not silent:
                token = state.push("math_inline", "math", 0)
                token.markup, token.content = marker, state.src[pos:close]
            state.pos = end
            return True
        search = end
    if not silent:
        state.append_pending(marker)
    state.pos = pos
    return True


def streamlit_markdown() -> MarkdownIt:
    md = MarkdownIt("commonmark").enable(["table", "strikethrough"])
    md.inline.ruler.after("backticks", "math_inline", _math_inline)
    math_block = make_fence_rule(
        markers=("$",), token_type="math_block", min_markers=2, disallow_marker_in_info=("`", "$")
    )
    md.block.ruler.before("fence", "math_block", math_block, {"alt": ["paragraph"]})
    md.core.ruler.disable("text_join")  # keep escapes as their own tokens: their backslash is markup
    return md


MD = streamlit_markdown()


@dataclass
class Rendered:
    """What a reader gets from a text: ``visible`` characters (prose and code, in order), ``prose`` (text outside
    code and maths; escaped characters as blanks), the special characters used as ``intended`` markup, and
    descriptions of ``lost`` ones."""

    visible: str = ""
    prose: str = ""
    intended: Counter = field(default_factory=Counter)
    lost: list[str] = field(default_factory=list)
    lost_chars: Counter = field(default_factory=Counter)

    def see(self, text: str, prose: bool = True, escaped: bool = False) -> None:
        self.visible += text
        if prose:  # an escaped character is no markup: it stands in the prose as a blank
            self.prose += " " * len(text) if escaped else text

    def lose(self, what: str, chars: str) -> None:
        self.lost.append(what)
        self.lost_chars.update(c for c in chars if c in SPECIAL)

    def unaccounted(self, source: str) -> Counter:
        """Special characters of ``source`` that landed in no heap (the model missed a construct), or extra."""
        seen = Counter(c for c in self.visible if c in SPECIAL) + self.intended + self.lost_chars
        want = Counter(c for c in source if c in SPECIAL)
        return (want - seen) + (seen - want)


def _word(ch: str) -> bool:
    return ch.isascii() and ch.isalnum()


def _inline(children: list[Token], out: Rendered, maths: bool) -> None:
    """Walk one paragraph's inline tokens; judge each emphasis pair once its surroundings are known."""
    start = len(out.visible)
    opened: list[tuple[Token, int]] = []
    pairs: list[tuple[Token, int, int]] = []
    for tok in children:
        if tok.type == "text":
            out.see(tok.content)
        elif tok.type == "text_special":  # an escape (``\\*``) or an entity (``&amp;``)
            out.see(tok.content, escaped=True)
            out.intended.update(c for c in tok.markup[: len(tok.markup) - len(tok.content)] if c in SPECIAL)
        elif tok.type == "code_inline":
            out.see(tok.content, prose=False)
        elif tok.type == "math_inline":
            _maths(tok, out, maths)
        elif tok.type in PAIRS:
            opened.append((tok, len(out.visible)))
        elif tok.type in PAIRS.values():
            tok_open, at = opened.pop()
            pairs.append((tok_open, at, len(out.visible)))
        elif tok.type in ("softbreak", "hardbreak"):
            out.see("\n")
        elif tok.type == "link_open":
            out.intended.update(c for c in (tok.attrGet("href") or "") if c in SPECIAL and tok.markup != "autolink")
            out.intended.update("<" if tok.markup == "autolink" else "")
        elif tok.type == "html_inline":
            out.lose(f"raw HTML {tok.content!r}", tok.content)
    for tok_open, a, b in pairs:
        before = out.visible[a - 1] if a > start else ""
        after = out.visible[b] if b < len(out.visible) else ""
        content = out.visible[a:b]
        glued = _word(before) or _word(after) or tok_open.markup[0] in before + after  # 2*x*y, x**2+y**2, )**2
        if glued or not any(ch.isalnum() for ch in content):
            out.lose(f"{tok_open.markup}{content}{tok_open.markup} became {tok_open.tag}", tok_open.markup * 2)
        else:
            out.intended.update(tok_open.markup * 2)


def _maths(tok: Token, out: Rendered, allowed: bool) -> None:
    text = tok.markup + tok.content + tok.markup
    if allowed:
        out.intended.update(c for c in text if c in SPECIAL)
    else:
        out.lose(f"{text!r} became a formula", text)


def render(source: str, maths: bool = False) -> Rendered:
    """Render ``source`` as Streamlit would; ``maths``: whether ``$`` formulas are meant (the explanations)."""
    out = Rendered()
    for tok in MD.parse(source):
        if tok.type == "inline":
            _inline(tok.children or [], out, maths)
            out.see("\n")
        elif tok.type in ("fence", "code_block"):
            out.see(tok.content, prose=False)
        elif tok.type == "math_block":
            _maths(Token("math_inline", "math", 0, markup=tok.markup, content=tok.content), out, maths)
        elif tok.type == "list_item_open":  # a bullet: "-", "+" or "*"
            out.intended.update(c for c in tok.markup if c in SPECIAL)
        elif tok.type in ("hr", "html_block", "heading_open") and any(c in SPECIAL for c in tok.markup + tok.content):
            out.lose(f"{tok.type} {tok.markup or tok.content!r}", tok.markup + tok.content)
    return out


def problems(source: str, maths: bool = False) -> list[str]:
    """Why ``source`` does not show what it says, or ``[]``."""
    out = render(source, maths)
    found = list(out.lost)
    if "**" in out.prose:
        found.append("a ** that did not close a bold shows as **")
    if out.prose.count("~") >= 2:
        found.append("two ~ outside code: Streamlit (remark-gfm) strikes the text between them")
    if extra := out.unaccounted(source):
        found.append(f"the model lost track of {dict(extra)}")
    return found
