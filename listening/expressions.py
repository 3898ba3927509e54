"""A saved search's expression: words, "exact phrases" and #hashtags joined by AND / OR / NOT and
parentheses, compiled once into a matcher.

    acme OR "acme corp"            either
    acme NOT (job OR recrutement)  acme, and neither job nor recrutement
    acme remboursement             two words side by side mean AND
    #acmefail                      the hashtag (also found in the tags a network gives)

Operators are written in capitals, in English or in French (ET, OU, SAUF): "et" and "ou" in lower
case stay ordinary words. Matching ignores case and accents ("cafe" finds "Café") and compares
whole words, so "acme" does not find "acmeville".

A hand-written recursive descent parser (about sixty lines) rather than a library: the grammar is
five rules, and its errors must name the position and the token in the user's language, which a
general parser generator's messages do not.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.translation import gettext as _

from core.exceptions import Invalid

OPERATORS = {"AND": "AND", "ET": "AND", "OR": "OR", "OU": "OR", "NOT": "NOT", "SAUF": "NOT"}
MAX_LENGTH = 1000
_TOKEN = re.compile(r'\s*(?:(?P<open>\()|(?P<close>\))|(?P<quote>")|(?P<word>[^\s()"]+))')
_WORDS = re.compile(r"\w+")


class ExpressionError(Invalid, ValueError):
    """An expression that cannot be read; `message` says where and what, in the user's language."""

    def __init__(self, message: str, position: int):
        super().__init__(message)
        self.position = position

    @classmethod
    def at(cls, position: int, message: str, **params) -> ExpressionError:
        return cls(message % {"position": position, **params}, position)


def fold(text: str) -> str:
    """Lower case without accents: what both the expression and the text are compared as."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def words_of(text: str) -> list[str]:
    return _WORDS.findall(fold(text))


# --- what a text is matched as --------------------------------------------------------------
@dataclass(frozen=True)
class Document:
    words: frozenset[str]
    sequence: str  # " w1 w2 w3 ": phrases are found as " p1 p2 " inside it
    hashtags: frozenset[str]

    @classmethod
    def of(cls, text: str, *, tags: Iterable[str] = ()) -> Document:
        words = words_of(text)
        hashtags = {fold(tag) for tag in re.findall(r"#(\w+)", text)} | {fold(t.lstrip("#")) for t in tags}
        return cls(frozenset(words), f" {' '.join(words)} ", frozenset(hashtags))


# --- the compiled tree ----------------------------------------------------------------------
@dataclass(frozen=True)
class Term:
    kind: str  # "word", "phrase" or "tag"
    value: str  # folded

    def matches(self, doc: Document) -> bool:
        if self.kind == "tag":
            return self.value in doc.hashtags
        if self.kind == "word":
            return self.value in doc.words
        return f" {self.value} " in doc.sequence


@dataclass(frozen=True)
class Not:
    operand: Node

    def matches(self, doc: Document) -> bool:
        return not self.operand.matches(doc)


@dataclass(frozen=True)
class AllOf:
    operands: tuple[Node, ...]

    def matches(self, doc: Document) -> bool:
        return all(operand.matches(doc) for operand in self.operands)


@dataclass(frozen=True)
class AnyOf:
    operands: tuple[Node, ...]

    def matches(self, doc: Document) -> bool:
        return any(operand.matches(doc) for operand in self.operands)


Node = Term | Not | AllOf | AnyOf


def terms_of(node: Node, *, negated: bool = False) -> list[Term]:
    """The terms a text must contain for the node to match (those under NOT left out)."""
    if isinstance(node, Term):
        return [] if negated else [node]
    if isinstance(node, Not):
        return terms_of(node.operand, negated=not negated)
    return [term for operand in node.operands for term in terms_of(operand, negated=negated)]


MAX_NETWORK_QUERIES = 10


def network_queries(node: Node, *, limit: int | None = MAX_NETWORK_QUERIES) -> list[str]:
    """The expression as the queries a network's keyword search takes (words side by side mean
    AND there too, "exact phrases", #hashtags): one query per OR alternative, its NOT parts left
    out, since our own matcher judges every result the network gives. An alternative with nothing
    to look for (only NOT) cannot be asked of a network; past MAX_NETWORK_QUERIES alternatives,
    the first ones are asked (the form refuses such an expression for a network source: it counts
    them with limit=None)."""
    queries = []
    for branch in _alternatives(node):
        query = " ".join(_as_query(term) for term in dict.fromkeys(branch))
        if query and query not in queries:
            queries.append(query)
    return queries[:limit]


def _alternatives(node: Node) -> list[tuple[Term, ...]]:
    """The expression's OR alternatives, each as the terms it needs (disjunctive normal form)."""
    if isinstance(node, Term):
        return [(node,)]
    if isinstance(node, Not):
        return [()]  # what must be absent: for our matcher
    if isinstance(node, AnyOf):
        return [branch for operand in node.operands for branch in _alternatives(operand)]
    combined: list[tuple[Term, ...]] = [()]
    for operand in node.operands:
        combined = [left + right for left in combined for right in _alternatives(operand)]
        if len(combined) > 4 * MAX_NETWORK_QUERIES:  # a product that explodes: enough to refuse it
            break
    return combined


def _as_query(term: Term) -> str:
    if term.kind == "phrase":
        return f'"{term.value}"'
    return f"#{term.value}" if term.kind == "tag" else term.value


# --- reading --------------------------------------------------------------------------------
@dataclass(frozen=True)
class Token:
    kind: str  # "open", "close", "op", "term", "end"
    text: str
    position: int  # 1-based, as people count characters
    value: object = None


def tokenize(source: str) -> list[Token]:
    tokens, index = [], 0
    while index < len(source):
        match = _TOKEN.match(source, index)
        if match is None:  # only white space is left
            break
        start = match.start(match.lastgroup or 0) + 1
        if match.lastgroup == "quote":
            end = source.find('"', match.end())
            if end == -1:
                raise ExpressionError.at(start, _("The quote opened at position %(position)d is never closed."))
            phrase = " ".join(words_of(source[match.end() : end]))
            if not phrase:
                raise ExpressionError.at(start, _("The quotes at position %(position)d hold no word."))
            tokens.append(Token("term", source[start - 1 : end + 1], start, Term("phrase", phrase)))
            index = end + 1
            continue
        kind, text = match.lastgroup or "", match.group(match.lastgroup or 0)
        tokens.append(_word_token(text, start) if kind == "word" else Token(kind, text, start))
        index = match.end()
    return [*tokens, Token("end", "", len(source) + 1)]


def _word_token(text: str, start: int) -> Token:
    if text in OPERATORS:
        return Token("op", text, start, OPERATORS[text])
    if text.startswith("#") and len(words_of(text)) == 1:
        return Token("term", text, start, Term("tag", words_of(text)[0]))
    words = words_of(text)
    if not words:
        raise ExpressionError.at(start, _("“%(token)s” at position %(position)d is not a word."), token=text)
    # "e-mail" or "l'avis" hold two words: found as a phrase, side by side.
    return Token("term", text, start, Term("word", words[0]) if len(words) == 1 else Term("phrase", " ".join(words)))


class _Parser:
    def __init__(self, tokens: list[Token]):
        self.tokens, self.index = tokens, 0

    @property
    def current(self) -> Token:
        return self.tokens[self.index]

    def take(self) -> Token:
        token = self.current
        self.index += 1
        return token

    def parse(self) -> Node:
        node = self.any_()
        if self.current.kind != "end":  # only a stray ")" can stop any_() early
            raise _unexpected(self.current)
        return node

    def any_(self) -> Node:
        operands = [self.all_()]
        while self.current.value == "OR":
            self.take()
            operands.append(self.all_())
        return operands[0] if len(operands) == 1 else AnyOf(tuple(operands))

    def all_(self) -> Node:
        operands = [self.not_()]
        while self.current.value in ("AND", "NOT") or self.current.kind in ("term", "open"):
            if self.current.value == "AND":
                self.take()
            operands.append(self.not_())
        return operands[0] if len(operands) == 1 else AllOf(tuple(operands))

    def not_(self) -> Node:
        if self.current.value == "NOT":
            self.take()
            return Not(self.not_())
        return self.atom()

    def atom(self) -> Node:
        token = self.take()
        if token.kind == "term":
            assert isinstance(token.value, Term)
            return token.value
        if token.kind == "open":
            node = self.any_()
            if self.current.kind != "close":
                message = _("The parenthesis opened at position %(position)d is never closed.")
                raise ExpressionError(message % {"position": token.position}, token.position)
            self.take()
            return node
        raise _unexpected(token)


def _unexpected(token: Token) -> ExpressionError:
    if token.kind == "end":
        message = _("The expression ends too early: a word, a phrase in quotes or “(” is missing at the end.")
    elif token.kind == "close":
        message = _("“)” at position %(position)d closes nothing, or comes where a word was expected.")
    else:
        message = _("“%(token)s” at position %(position)d comes where a word, a phrase in quotes or “(” was expected.")
    return ExpressionError(message % {"token": token.text, "position": token.position}, token.position)


def compile_expression(source: str) -> Node:
    """The matcher of `source`, or ExpressionError pointing at the mistake."""
    if len(source) > MAX_LENGTH:
        raise ExpressionError(_("An expression has at most %(max)d characters.") % {"max": MAX_LENGTH}, MAX_LENGTH)
    tokens = tokenize(source)
    if tokens[0].kind == "end":
        raise ExpressionError(_("Write at least one word, phrase or #hashtag."), 1)
    node = _Parser(tokens).parse()
    if not terms_of(node):
        raise ExpressionError(_("Say what to look for, not only what to leave out."), 1)
    return node
