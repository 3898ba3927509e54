"""A saved search's expression as a network's keyword queries (expressions.network_queries)."""

import pytest

from listening.expressions import MAX_NETWORK_QUERIES, compile_expression, network_queries


@pytest.mark.parametrize(
    ("expression", "queries"),
    [
        ("acme remboursement", ["acme remboursement"]),
        ('acme OR "acme corp"', ["acme", '"acme corp"']),
        ("acme NOT (job OR recrutement)", ["acme"]),
        ("(croissant OU brioche) ET Lyon", ["croissant lyon", "brioche lyon"]),
        ("#AcmeFail OR acme", ["#acmefail", "acme"]),
        ("acme acme", ["acme"]),
    ],
)
def test_each_or_alternative_is_one_query_and_not_is_left_to_our_matcher(expression, queries):
    assert network_queries(compile_expression(expression)) == queries


def test_an_expression_with_too_many_alternatives_is_counted_without_a_limit():
    expression = "(a OR b OR c OR d) (e OR f OR g OR h)"
    assert len(network_queries(compile_expression(expression), limit=None)) == 16
    assert len(network_queries(compile_expression(expression))) == MAX_NETWORK_QUERIES
