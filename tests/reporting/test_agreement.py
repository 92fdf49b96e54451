"""Tests for the agreement statistics: hand-worked cases, rounding, validation, and kappa/AC2
checked against independent implementations on random data.

Quadratic weights on the four-level Ofsted scale, used in every hand calculation below:
w = 1 - d²/9 for d = |rank_a - rank_b|, so w = 1, 8/9, 5/9, 0 for d = 0, 1, 2, 3;
T_w = Σ_kl w_kl = 4·1 + 6·8/9 + 4·5/9 + 2·0 = 104/9, and T_w / (q (q - 1)) = (104/9) / 12 = 26/27.
"""

from __future__ import annotations

from collections import Counter
from decimal import Decimal
from fractions import Fraction as F

import pytest
from hypothesis import given
from hypothesis import strategies as st

from audit_tool.reporting.agreement import (
    Agreement,
    agreement,
    agreement_from_confusion,
    gwet_ac2_exact,
    kappa_quadratic_exact,
    pct,
    quadratic_weight,
    round_half_up,
)

AC2_CHANCE_FACTOR = F(26, 27)  # T_w / (q (q - 1)) for q = 4, see the module docstring


def test_quadratic_weights_and_their_total() -> None:
    assert [quadratic_weight(1, rank) for rank in (1, 2, 3, 4)] == [1, F(8, 9), F(5, 9), 0]
    total = sum(quadratic_weight(k, m) for k in range(1, 5) for m in range(1, 5))
    assert total == F(104, 9)
    assert total / (4 * 3) == AC2_CHANCE_FACTOR


# --- rounding -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "places", "expected"),
    [
        (0.0625, 3, 0.063),  # banker's rounding would give 0.062
        (12.25, 1, 12.3),  # banker's: 12.2
        (0.125, 2, 0.13),  # banker's: 0.12
        (2.5, 0, 3.0),  # banker's: 2.0
        (-0.0625, 3, -0.063),  # ties go away from zero on both sides
        (1.005, 2, 1.01),  # the double is 1.00499999...; we round the number a person reads
        (0.28, 3, 0.28),
        (F(1, 16), 3, 0.063),  # fractions are rounded exactly
        (F(-1, 16), 3, -0.063),
        (F(1, 3), 3, 0.333),
        (F(2, 3), 3, 0.667),
        (F(49, 4), 1, 12.3),
        (F(133, 187), 3, 0.711),
    ],
)
def test_round_half_up(value: float | F, places: int, expected: float) -> None:
    assert round_half_up(value, places) == expected


def test_round_half_up_never_gives_negative_zero() -> None:
    assert str(round_half_up(-0.0001, 3)) == "0.0"
    assert str(round_half_up(F(-1, 100_000), 3)) == "0.0"


def test_round_half_up_rejects_non_finite_numbers() -> None:
    with pytest.raises(ValueError, match="finite"):
        round_half_up(float("nan"), 1)
    with pytest.raises(ValueError, match="finite"):
        round_half_up(float("inf"), 1)


@pytest.mark.parametrize(
    ("numerator", "denominator", "expected"),
    [
        (49, 400, 12.3),  # 100·49/400 = 12.25 exactly -> 12.3
        (1, 8, 12.5),
        (1, 3, 33.3),  # 33.33...
        (2, 3, 66.7),  # 66.66...
        (5, 6, 83.3),  # 83.33...
        (0, 5, 0.0),
        (5, 5, 100.0),
        (0, 0, None),
    ],
)
def test_pct(numerator: int, denominator: int, expected: float | None) -> None:
    assert pct(numerator, denominator) == expected


def test_pct_accepts_counts_that_postgresql_returns_as_decimal() -> None:
    assert pct(Decimal(49), Decimal(400)) == 12.3  # type: ignore[arg-type]


def test_pct_rejects_negative_counts() -> None:
    with pytest.raises(ValueError, match="non-negative"):
        pct(-1, 4)


# --- hand-worked cases ----------------------------------------------------------------------


def test_no_pairs_gives_no_statistics() -> None:
    result = agreement([])
    assert result == Agreement(
        pairs=0,
        exact_pct=None,
        within_one_pct=None,
        kappa_quadratic=None,
        gwet_ac2=None,
        confusion=((0, 0, 0, 0),) * 4,
    )


@pytest.mark.parametrize(
    ("pair", "exact_pct", "within_one_pct"),
    [
        ((2, 2), 100.0, 100.0),
        ((2, 3), 0.0, 100.0),  # differ by one
        ((1, 3), 0.0, 0.0),  # differ by two
    ],
)
def test_one_pair_has_percentages_but_no_coefficients(
    pair: tuple[int, int], exact_pct: float, within_one_pct: float
) -> None:
    result = agreement([pair])
    assert (result.pairs, result.exact_pct, result.within_one_pct) == (1, exact_pct, within_one_pct)
    assert result.kappa_quadratic is None
    assert result.gwet_ac2 is None
    assert kappa_quadratic_exact(result.confusion) is None
    assert gwet_ac2_exact(result.confusion) is None


def test_perfect_agreement_over_the_whole_scale() -> None:
    result = agreement([(1, 1), (2, 2), (3, 3), (4, 4)])
    # exact 4/4, within one 4/4.
    assert (result.exact_pct, result.within_one_pct) == (100.0, 100.0)
    # p_o = 1. Kappa: every p_k. = p_.l = 1/4, p_e = T_w / 16 = (104/9) / 16 = 13/18,
    # kappa = (1 - 13/18) / (1 - 13/18) = 1.
    assert kappa_quadratic_exact(result.confusion) == 1
    assert result.kappa_quadratic == 1.0
    # AC2: π_k = 1/4, Σ π(1-π) = 4 · 3/16 = 3/4, p_e = 26/27 · 3/4 = 13/18, AC2 = 1.
    assert gwet_ac2_exact(result.confusion) == 1
    assert result.gwet_ac2 == 1.0
    assert result.confusion == ((1, 0, 0, 0), (0, 1, 0, 0), (0, 0, 1, 0), (0, 0, 0, 1))


def test_perfect_agreement_on_two_grades() -> None:
    result = agreement([(2, 2), (3, 3), (2, 2)])
    assert (result.exact_pct, result.within_one_pct) == (100.0, 100.0)
    # p_o = 1; p_2. = p_.2 = 2/3, p_3. = p_.3 = 1/3;
    # p_e = 1·(4/9 + 1/9) + 8/9·(2/9 + 2/9) = 5/9 + 32/81 = 77/81 < 1, so kappa = 1.
    assert result.kappa_quadratic == 1.0
    # π_2 = 2/3, π_3 = 1/3, Σ π(1-π) = 2/9 + 2/9 = 4/9, p_e = 26/27 · 4/9 = 104/243, AC2 = 1.
    assert result.gwet_ac2 == 1.0


def test_total_disagreement_at_both_ends_of_the_scale() -> None:
    result = agreement([(1, 4), (4, 1)])
    # No pair agrees or is within one.
    assert (result.exact_pct, result.within_one_pct) == (0.0, 0.0)
    # p_o = (w_14 + w_41)/2 = 0. Margins: p_1. = p_4. = p_.1 = p_.4 = 1/2;
    # p_e = 1/4 · (w_11 + w_14 + w_41 + w_44) = 1/4 · (1 + 0 + 0 + 1) = 1/2;
    # kappa = (0 - 1/2) / (1 - 1/2) = -1.
    assert kappa_quadratic_exact(result.confusion) == -1
    assert result.kappa_quadratic == -1.0
    # π_1 = π_4 = 1/2, Σ π(1-π) = 1/4 + 1/4 = 1/2, p_e = 26/27 · 1/2 = 13/27;
    # AC2 = (0 - 13/27) / (14/27) = -13/14 = -0.92857... -> -0.929.
    assert gwet_ac2_exact(result.confusion) == F(-13, 14)
    assert result.gwet_ac2 == -0.929


def test_systematic_disagreement_gives_kappa_zero() -> None:
    # Auditor A always "outstanding", auditor B always "inadequate".
    result = agreement([(1, 4), (1, 4)])
    assert (result.exact_pct, result.within_one_pct) == (0.0, 0.0)
    # p_o = 0; p_1. = 1, p_.4 = 1, so p_e = w_14 = 0 and kappa = (0 - 0) / (1 - 0) = 0.
    assert kappa_quadratic_exact(result.confusion) == 0
    assert result.kappa_quadratic == 0.0
    # π_1 = π_4 = (1 + 0)/2 = 1/2: the same p_e = 13/27 as above, AC2 = -13/14.
    assert result.gwet_ac2 == -0.929


def test_all_ratings_in_one_category() -> None:
    result = agreement([(2, 2), (2, 2), (2, 2)])
    assert (result.exact_pct, result.within_one_pct) == (100.0, 100.0)
    # p_2. = p_.2 = 1, so p_e = w_22 = 1 and kappa = 0/0: undefined.
    assert kappa_quadratic_exact(result.confusion) is None
    assert result.kappa_quadratic is None
    # π_2 = 1, Σ π(1-π) = 0, p_e = 0, AC2 = (1 - 0) / (1 - 0) = 1.
    assert result.gwet_ac2 == 1.0


def test_high_agreement_with_one_auditor_constant_kappa_paradox() -> None:
    # Nine files graded "good" by both, one graded good by A and requires improvement by B.
    result = agreement([(2, 2)] * 9 + [(2, 3)])
    assert (result.exact_pct, result.within_one_pct) == (90.0, 100.0)
    # p_o = (9 + 8/9) / 10 = 89/90. Row margin: p_2. = 1. Column margins: p_.2 = 9/10,
    # p_.3 = 1/10; p_e = w_22 · 9/10 + w_23 · 1/10 = 9/10 + 8/90 = 89/90 = p_o, so kappa = 0.
    assert kappa_quadratic_exact(result.confusion) == 0
    assert result.kappa_quadratic == 0.0
    # π_2 = (10 + 9)/20 = 19/20, π_3 = 1/20, Σ π(1-π) = 2 · 19/400 = 19/200;
    # p_e = 26/27 · 19/200 = 247/2700; AC2 = (2670/2700 - 247/2700) / (2453/2700)
    # = 2423/2453 = 0.98777... -> 0.988.
    assert gwet_ac2_exact(result.confusion) == F(2423, 2453)
    assert result.gwet_ac2 == 0.988


def test_mixed_realistic_case_of_six_pairs() -> None:
    pairs = [(1, 2), (2, 2), (2, 3), (3, 3), (3, 3), (2, 4)]
    result = agreement(pairs)
    # Confusion (row = A, column = B):   B: 1  2  3  4    row total
    #                               A=1:    0  1  0  0    1
    #                               A=2:    0  1  1  1    3
    #                               A=3:    0  0  2  0    2
    #                               A=4:    0  0  0  0    0
    #                      column total:    0  2  3  1    n = 6
    assert result.confusion == ((0, 1, 0, 0), (0, 1, 1, 1), (0, 0, 2, 0), (0, 0, 0, 0))
    assert result.pairs == 6
    # Exact: (2,2), (3,3), (3,3) = 3/6 -> 50.0. Within one: all but (2,4) = 5/6 -> 83.3.
    assert result.exact_pct == 50.0
    assert result.within_one_pct == 83.3

    # Kappa. p_o = (8/9 + 1 + 8/9 + 1 + 1 + 5/9) / 6 = (48/9) / 6 = 8/9.
    p_o = (F(8, 9) + 1 + F(8, 9) + 1 + 1 + F(5, 9)) / 6
    assert p_o == F(8, 9)
    # 36 · p_e = Σ w_kl · row_k · col_l:
    #   A=1 (row 1): 8/9·1·2 + 5/9·1·3 + 0·1·1        = 16/9 + 15/9       = 31/9
    #   A=2 (row 3): 1·3·2 + 8/9·3·3 + 5/9·3·1         = 6 + 8 + 15/9      = 141/9
    #   A=3 (row 2): 8/9·2·2 + 1·2·3 + 8/9·2·1         = 32/9 + 54/9 + 16/9 = 102/9
    #   total 274/9, so p_e = 274/324 = 137/162.
    p_e = (F(31, 9) + F(141, 9) + F(102, 9)) / 36
    assert p_e == F(137, 162)
    # kappa = (144/162 - 137/162) / (25/162) = 7/25 = 0.28.
    assert (p_o - p_e) / (1 - p_e) == F(7, 25)
    assert kappa_quadratic_exact(result.confusion) == F(7, 25)
    assert result.kappa_quadratic == 0.28

    # AC2. π_k = (row_k + col_k) / 12 = 1/12, 5/12, 5/12, 1/12;
    # Σ π(1-π) = 1 - Σ π² = 1 - (1 + 25 + 25 + 1)/144 = 92/144 = 23/36;
    # p_e = 26/27 · 23/36 = 299/486; p_a = p_o = 8/9 = 432/486;
    # AC2 = (432 - 299) / (486 - 299) = 133/187 = 0.71122... -> 0.711.
    ac2_p_e = AC2_CHANCE_FACTOR * F(23, 36)
    assert ac2_p_e == F(299, 486)
    assert (p_o - ac2_p_e) / (1 - ac2_p_e) == F(133, 187)
    assert gwet_ac2_exact(result.confusion) == F(133, 187)
    assert result.gwet_ac2 == 0.711


def test_ac2_can_fall_below_minus_one() -> None:
    # Found by the property test; AC2's chance term does not bound it below by -1.
    result = agreement([(1, 3), (1, 4), (1, 4), (1, 4)])
    assert (result.exact_pct, result.within_one_pct) == (0.0, 0.0)
    # p_a = (5/9 + 0 + 0 + 0) / 4 = 5/36 = 60/432.
    # π_1 = (4 + 0)/8 = 1/2, π_3 = (0 + 1)/8 = 1/8, π_4 = (0 + 3)/8 = 3/8;
    # Σ π(1-π) = 1/4 + 7/64 + 15/64 = 19/32; p_e = 26/27 · 19/32 = 247/432;
    # AC2 = (60 - 247) / (432 - 247) = -187/185 = -1.0108... -> -1.011.
    assert gwet_ac2_exact(result.confusion) == F(-187, 185)
    assert result.gwet_ac2 == -1.011
    # Kappa: rows all rank 1, columns 1/4 rank 3 and 3/4 rank 4;
    # p_e = 1/4 · w_13 + 3/4 · w_14 = 5/36 = p_o, so kappa = 0.
    assert result.kappa_quadratic == 0.0


def test_gwet_published_example_three_categories() -> None:
    # Gwet's "cont3x3abstractors" table (irrCAC, Gwet 2014) with quadratic weights on q = 3
    # (w = 1, 3/4, 0): published AC2 = 0.94024, p_a = 0.9725, p_e = 0.53985. By hand:
    # p_a = (89 + 3/4 · 11) / 100 = 0.9725; π = (13+13, 27+24, 60+63)/200 = .13, .255, .615;
    # Σ π(1-π) = .1131 + .189975 + .236775 = .53985; T_w / (q(q-1)) = 6/6 = 1, p_e = .53985;
    # AC2 = .43265 / .46015 = 0.940237...
    table = [[13, 0, 0], [0, 20, 7], [0, 4, 56]]
    ac2 = gwet_ac2_exact(table)
    assert ac2 == (F("0.9725") - F("0.53985")) / (1 - F("0.53985"))
    assert ac2 is not None and round(float(ac2), 5) == 0.94024
    result = agreement_from_confusion(table)
    assert (result.pairs, result.exact_pct, result.within_one_pct) == (100, 89.0, 100.0)
    assert result.gwet_ac2 == 0.94


def test_exact_and_within_one_on_three_pairs() -> None:
    result = agreement([(1, 2), (2, 4), (3, 3)])
    # Exact: (3,3) only, 1/3 -> 33.3. Within one: (1,2) and (3,3), 2/3 -> 66.7.
    assert (result.exact_pct, result.within_one_pct) == (33.3, 66.7)


def test_report_fields() -> None:
    assert agreement([(1, 4), (4, 1)]).to_report() == {
        "pairs": 2,
        "exact_pct": 0.0,
        "within_one_pct": 0.0,
        "kappa_quadratic": -1.0,
        "gwet_ac2": -0.929,
    }


# --- validation -----------------------------------------------------------------------------


@pytest.mark.parametrize("bad_pair", [(0, 2), (2, 5), (-1, 1), (1, 0)])
def test_ranks_outside_the_scale_are_rejected(bad_pair: tuple[int, int]) -> None:
    with pytest.raises(ValueError, match=r"outside the scale's ranks 1\.\.4"):
        agreement([(1, 1), bad_pair])


@pytest.mark.parametrize("bad_rank", [2.0, "2", None, True])
def test_ranks_must_be_integers(bad_rank: object) -> None:
    with pytest.raises(TypeError, match="must be an integer"):
        agreement([(1, bad_rank)])  # type: ignore[list-item]


def test_rank_allowed_on_a_smaller_scale_is_checked_against_q() -> None:
    assert agreement([(1, 3), (3, 1)], q=3).confusion == ((0, 0, 1), (0, 0, 0), (1, 0, 0))
    with pytest.raises(ValueError, match=r"1\.\.3"):
        agreement([(4, 4)], q=3)
    with pytest.raises(ValueError, match="at least 2 levels"):
        agreement([], q=1)


@pytest.mark.parametrize(
    ("matrix", "message"),
    [
        ([[1, 0], [0, 1], [0, 0]], "square"),
        ([[1, 0, 0, 0]] * 3 + [[0, 0, 0]], "square"),
        ([[1, -1], [0, 1]], "count"),
        ([[1, 0.5], [0, 1]], "count"),
        ([[1]], "at least 2 levels"),
    ],
)
def test_bad_confusion_matrices_are_rejected(matrix: list[list[int]], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        agreement_from_confusion(matrix)


# --- independent implementations on random data -----------------------------------------------

ranks = st.integers(min_value=1, max_value=4)
pair_lists = st.lists(st.tuples(ranks, ranks), min_size=2, max_size=60)


def kappa_by_disagreement_weights(pairs: list[tuple[int, int]]) -> float | None:
    """κ = 1 - Σ v_kl O_kl / Σ v_kl E_kl, v_kl = (k - l)², E_kl = row_k · col_l / n (floats)."""
    n = len(pairs)
    observed = Counter(pairs)
    rows = Counter(a for a, _ in pairs)
    columns = Counter(b for _, b in pairs)
    observed_disagreement = sum((k - m) ** 2 * count for (k, m), count in observed.items())
    expected_disagreement = sum(
        (k - m) ** 2 * rows[k] * columns[m] / n for k in range(1, 5) for m in range(1, 5)
    )
    if expected_disagreement == 0:
        return None
    return 1 - observed_disagreement / expected_disagreement


def ac2_from_raw_ratings(pairs: list[tuple[int, int]], q: int = 4) -> float:
    """Gwet's AC2 by the raw-ratings route for r raters per subject (Gwet 2014, ch. 2/3), with
    r = 2: r_ik raters putting subject i in k, r*_ik = Σ_l w_kl r_il,
    p_a = mean_i Σ_k r_ik (r*_ik - 1) / (r (r - 1)), π_k = mean_i r_ik / r (floats)."""

    def weight(k: int, m: int) -> float:
        return 1.0 - (k - m) ** 2 / (q - 1) ** 2

    categories = range(1, q + 1)
    raters = 2
    agreement_sum = 0.0
    pi = dict.fromkeys(categories, 0.0)
    for subject in pairs:
        r = Counter(subject)
        for k in categories:
            r_star = sum(weight(k, m) * r[m] for m in categories)
            agreement_sum += r[k] * (r_star - 1) / (raters * (raters - 1))
            pi[k] += r[k] / raters / len(pairs)
    p_a = agreement_sum / len(pairs)
    total_weight = sum(weight(k, m) for k in categories for m in categories)
    p_e = total_weight / (q * (q - 1)) * sum(p * (1 - p) for p in pi.values())
    return (p_a - p_e) / (1 - p_e)


def confusion_of(pairs: list[tuple[int, int]]) -> list[list[int]]:
    matrix = [[0] * 4 for _ in range(4)]
    for a, b in pairs:
        matrix[a - 1][b - 1] += 1
    return matrix


@given(pair_lists)
def test_kappa_matches_the_disagreement_weight_form(pairs: list[tuple[int, int]]) -> None:
    exact = kappa_quadratic_exact(confusion_of(pairs))
    independent = kappa_by_disagreement_weights(pairs)
    if independent is None:
        assert exact is None
    else:
        assert exact is not None
        assert float(exact) == pytest.approx(independent, abs=1e-9)


@given(pair_lists)
def test_ac2_matches_the_raw_ratings_form(pairs: list[tuple[int, int]]) -> None:
    exact = gwet_ac2_exact(confusion_of(pairs))
    assert exact is not None  # with q = 4, p_e <= 26/27 · 3/4 < 1
    assert float(exact) == pytest.approx(ac2_from_raw_ratings(pairs), abs=1e-9)


@given(st.lists(st.tuples(ranks, ranks), max_size=60))
def test_pairs_and_confusion_matrix_give_the_same_result(pairs: list[tuple[int, int]]) -> None:
    from_pairs = agreement(pairs)
    assert from_pairs == agreement_from_confusion(confusion_of(pairs))
    assert from_pairs.pairs == len(pairs)
    # The percentages, recounted straight from the pairs.
    assert from_pairs.exact_pct == pct(sum(a == b for a, b in pairs), len(pairs))
    assert from_pairs.within_one_pct == pct(sum(abs(a - b) <= 1 for a, b in pairs), len(pairs))


@given(pair_lists)
def test_coefficients_are_bounded_and_symmetric_in_the_raters(
    pairs: list[tuple[int, int]],
) -> None:
    result = agreement(pairs)
    swapped = agreement([(b, a) for a, b in pairs])
    assert swapped.confusion == tuple(zip(*result.confusion, strict=True))
    assert swapped.kappa_quadratic == result.kappa_quadratic
    assert swapped.gwet_ac2 == result.gwet_ac2
    # Quadratic kappa = 2·cov / (var_a + var_b + (mean_a - mean_b)²), so |kappa| <= 1; AC2 has
    # only the upper bound (see test_ac2_can_fall_below_minus_one).
    assert result.kappa_quadratic is None or -1.0 <= result.kappa_quadratic <= 1.0
    assert result.gwet_ac2 is not None and result.gwet_ac2 <= 1.0
