"""What a thing is called: its best label among the labels it has.

One ranking for every page, report and list: the label predicates in order of preference
(LABEL_PREDICATES), then a label in English before one in another language, then the
smallest text (so that the choice never depends on the order a store returns rows in).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from rdflib import Graph, Literal, URIRef
from rdflib.term import Node

from lerld.core.terms import LABEL_PREDICATES

_RANK = {str(predicate): i for i, predicate in enumerate(LABEL_PREDICATES)}


def label_rank(predicate: Node | str, value: Node) -> tuple[int, bool, str]:
    """How good a label is: smaller is better. predicate must be one of LABEL_PREDICATES."""
    language = value.language if isinstance(value, Literal) else None
    return text_rank(str(predicate), language, str(value))


def text_rank(predicate: str, language: str | None, text: str) -> tuple[int, bool, str]:
    """label_rank of a label given as text (Store.select_values): its predicate's IRI, its
    language tag ("" or None: none) and its text."""
    return (_RANK[predicate], language not in (None, "", "en"), text)


def best_label(candidates: Iterable[tuple[Node | str, Node]]) -> Node | None:
    """The best of (predicate, value) pairs, or None when there are none."""
    ranked = [(label_rank(p, v), v) for p, v in candidates if str(p) in _RANK]
    return min(ranked, key=lambda pair: pair[0])[1] if ranked else None


def best_labels(
    rows: Iterable[Mapping[str, Node]],
    subject: str = "s",
    predicate: str = "p",
    label: str = "label",
) -> dict[str, str]:
    """The best label of each subject, from SELECT rows binding subject, predicate, label."""
    texts = (
        (
            str(row[subject]),
            str(row[predicate]),
            (row[label].language if isinstance(row[label], Literal) else None) or "",
            str(row[label]),
        )
        for row in rows
    )
    return {key: text for key, (_, _, text) in best_label_texts(texts).items()}


def best_label_texts(rows: Iterable[Sequence[str]]) -> dict[str, tuple[str, str, str]]:
    """The best label of each subject, from rows of text (Store.select_values) of subject,
    predicate, language tag ("" for none) and label: subject -> (predicate, language,
    label)."""
    best: dict[str, tuple[tuple[int, bool, str], tuple[str, str, str]]] = {}
    for subject, predicate, language, text in rows:
        rank = text_rank(predicate, language, text)
        if subject not in best or rank < best[subject][0]:
            best[subject] = (rank, (predicate, language, text))
    return {s: found for s, (_, found) in best.items()}


def label_in(graph: Graph, node: Node) -> str | None:
    """The best label the graph gives node, or None."""
    return _text(best_label((p, v) for p in LABEL_PREDICATES for v in graph.objects(node, p)))


def _text(value: Node | None) -> str | None:
    return str(value) if value is not None else None


def is_label_predicate(predicate: Node) -> bool:
    return isinstance(predicate, URIRef) and str(predicate) in _RANK
