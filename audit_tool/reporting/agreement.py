"""Agreement between two auditors who graded the same case files: percentages, kappa, AC2.

Each pair is ``(rank_a, rank_b)`` on the Ofsted scale, rank 1 (outstanding) .. q = 4
(inadequate). The pairs are counted into a q x q confusion matrix ``n_kl`` (row k = rank_a,
column l = rank_b, n = Σ n_kl pairs, p_kl = n_kl / n, p_k. and p_.l the row and column
proportions), and every statistic is computed from that matrix with exact fractions, so the
report's SQL ``GROUP BY`` path (:func:`agreement_from_confusion`) and the in-memory path
(:func:`agreement`) give identical numbers.

Definitions (Report JSON v1, ``agreement``):

- ``exact_pct`` = 100 · Σ_k n_kk / n; ``within_one_pct`` = 100 · Σ_{|k-l|<=1} n_kl / n; both
  rounded half-up to 1 decimal, ``None`` when n = 0.
- Quadratic weights over all q categories of the scale (fixed by the scale, not by what was
  observed): w_kl = 1 - (k - l)² / (q - 1)², k, l = 1..q. For q = 4 they are 1, 8/9, 5/9, 0 for
  |k - l| = 0, 1, 2, 3, and T_w = Σ_kl w_kl = 104/9.
- Cohen's weighted kappa (Cohen 1968): p_o = Σ_kl w_kl p_kl, p_e = Σ_kl w_kl p_k. p_.l,
  κ = (p_o - p_e) / (1 - p_e).
- Gwet's AC2 for two raters (Gwet 2014, *Handbook of Inter-Rater Reliability*, 4th ed.;
  identical to ``gwet.ac1.table`` in Gwet's R package irrCAC): p_a = Σ_kl w_kl p_kl (= p_o),
  π_k = (p_k. + p_.k) / 2, p_e = T_w / (q (q - 1)) · Σ_k π_k (1 - π_k),
  AC2 = (p_a - p_e) / (1 - p_e). With identity weights this is AC1.
- Both coefficients are ``None`` when n < 2, or when 1 - p_e = 0 (undefined). For kappa that
  happens exactly when both auditors gave every case one and the same grade; AC2 is 1.0 there
  (p_e = 0): the contrast is known and wanted. For AC2 with q = 4, p_e <= 26/27 · 3/4 < 1, so
  only n < 2 gives ``None``.
- Ranges: quadratic kappa lies in [-1, 1]; AC2 is at most 1 but can fall below -1 (e.g. pairs
  (1,3), (1,4), (1,4), (1,4) give -187/185).
- Both are rounded half-up to 3 decimals. Rounding is decimal, not binary and not banker's:
  ties go away from zero (0.0625 -> 0.063, 12.25 -> 12.3, -0.0625 -> -0.063).
"""

from __future__ import annotations

import operator
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any

SCALE_LEVELS = 4  # Ofsted: outstanding, good, requires improvement, inadequate

Matrix = tuple[tuple[int, ...], ...]


@dataclass(frozen=True)
class Agreement:
    """Agreement over a set of pairs of overall grades; see the module docstring."""

    pairs: int
    exact_pct: float | None
    within_one_pct: float | None
    kappa_quadratic: float | None
    gwet_ac2: float | None
    confusion: Matrix  # q x q: row = rank_a - 1, column = rank_b - 1

    def to_report(self) -> dict[str, Any]:
        """The ``agreement`` object of Report JSON v1 (the confusion matrix is not part of it)."""
        return {
            "pairs": self.pairs,
            "exact_pct": self.exact_pct,
            "within_one_pct": self.within_one_pct,
            "kappa_quadratic": self.kappa_quadratic,
            "gwet_ac2": self.gwet_ac2,
        }


def round_half_up(value: float | Fraction | Decimal, places: int) -> float:
    """Round to ``places`` decimals, ties away from zero.

    A float is taken at its shortest decimal representation (``repr``), i.e. the number a person
    reads, so ``round_half_up(1.005, 2) == 1.01`` although the binary double is slightly below
    1.005. A :class:`~fractions.Fraction` is rounded exactly. Never returns ``-0.0``.
    """
    if isinstance(value, Fraction):
        scaled = abs(value) * 10**places
        # floor(scaled + 1/2) in integers: exact for any fraction.
        units = (2 * scaled.numerator + scaled.denominator) // (2 * scaled.denominator)
        if value < 0:
            units = -units
        result = float(Fraction(units, 10**places))
    else:
        exact = value if isinstance(value, Decimal) else Decimal(repr(float(value)))
        if not exact.is_finite():
            raise ValueError(f"cannot round {value!r}: not a finite number")
        result = float(exact.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP))
    return result + 0.0  # turns -0.0 into 0.0


def pct(numerator: int, denominator: int) -> float | None:
    """100 · numerator / denominator, half-up to 1 decimal; ``None`` when denominator is 0."""
    if denominator == 0:
        return None
    if denominator < 0 or numerator < 0:
        raise ValueError(f"a percentage needs non-negative counts, got {numerator}/{denominator}")
    # Fraction(x) rather than Fraction(x, y): PostgreSQL hands SUM() of counts back as Decimal.
    return round_half_up(100 * Fraction(numerator) / Fraction(denominator), 1)


def quadratic_weight(rank_a: int, rank_b: int, q: int = SCALE_LEVELS) -> Fraction:
    """w_kl = 1 - (k - l)² / (q - 1)² for ranks k = rank_a, l = rank_b in 1..q."""
    return 1 - Fraction((rank_a - rank_b) ** 2, (q - 1) ** 2)


def agreement(pairs: Iterable[tuple[int, int]], *, q: int = SCALE_LEVELS) -> Agreement:
    """Agreement over ``(rank_a, rank_b)`` pairs on a scale of ranks 1..q.

    Raises ValueError for a rank outside 1..q (or a q below 2), TypeError for a rank that is
    not an integer.
    """
    _check_levels(q)
    counts = [[0] * q for _ in range(q)]
    for index, pair in enumerate(pairs):
        rank_a, rank_b = pair
        counts[_rank(rank_a, q, index, "a") - 1][_rank(rank_b, q, index, "b") - 1] += 1
    return _agreement(tuple(tuple(row) for row in counts))


def agreement_from_confusion(matrix: Sequence[Sequence[int]]) -> Agreement:
    """Agreement from a q x q confusion matrix: ``matrix[k][l]`` counts pairs
    (rank_a = k + 1, rank_b = l + 1). q is the matrix size (4 for the Ofsted scale)."""
    return _agreement(_checked_matrix(matrix))


def kappa_quadratic_exact(matrix: Sequence[Sequence[int]]) -> Fraction | None:
    """Cohen's quadratically weighted kappa before rounding; ``None`` for n < 2 or undefined."""
    counts = _checked_matrix(matrix)
    q, n, rows, columns = _margins(counts)
    if n < 2:
        return None
    observed = Fraction(0)  # n · p_o
    chance = Fraction(0)  # n² · p_e
    for i in range(q):
        for j in range(q):
            weight = quadratic_weight(i + 1, j + 1, q)
            observed += weight * counts[i][j]
            chance += weight * rows[i] * columns[j]
    p_o = observed / n
    p_e = chance / (n * n)
    if p_e == 1:
        return None
    return (p_o - p_e) / (1 - p_e)


def gwet_ac2_exact(matrix: Sequence[Sequence[int]]) -> Fraction | None:
    """Gwet's AC2 with quadratic weights before rounding; ``None`` for n < 2 or undefined."""
    counts = _checked_matrix(matrix)
    q, n, rows, columns = _margins(counts)
    if n < 2:
        return None
    observed = Fraction(0)  # n · p_a
    total_weight = Fraction(0)  # T_w
    for i in range(q):
        for j in range(q):
            weight = quadratic_weight(i + 1, j + 1, q)
            observed += weight * counts[i][j]
            total_weight += weight
    p_a = observed / n
    pis = [Fraction(rows[k] + columns[k], 2 * n) for k in range(q)]
    p_e = total_weight / (q * (q - 1)) * sum((pi * (1 - pi) for pi in pis), Fraction(0))
    if p_e == 1:
        return None
    return (p_a - p_e) / (1 - p_e)


def _agreement(counts: Matrix) -> Agreement:
    q, n, _, _ = _margins(counts)
    exact = sum(counts[i][i] for i in range(q))
    within_one = sum(counts[i][j] for i in range(q) for j in range(q) if abs(i - j) <= 1)
    kappa = kappa_quadratic_exact(counts)
    ac2 = gwet_ac2_exact(counts)
    return Agreement(
        pairs=n,
        exact_pct=pct(exact, n),
        within_one_pct=pct(within_one, n),
        kappa_quadratic=None if kappa is None else round_half_up(kappa, 3),
        gwet_ac2=None if ac2 is None else round_half_up(ac2, 3),
        confusion=counts,
    )


def _margins(counts: Matrix) -> tuple[int, int, list[int], list[int]]:
    """q, n, row totals (rater a) and column totals (rater b)."""
    rows = [sum(row) for row in counts]
    columns = [sum(column) for column in zip(*counts, strict=True)]
    return len(counts), sum(rows), rows, columns


def _check_levels(q: int) -> None:
    if isinstance(q, bool) or not isinstance(q, int) or q < 2:
        raise ValueError(f"a grading scale needs at least 2 levels, got q={q!r}")


def _rank(value: Any, q: int, index: int, rater: str) -> int:
    not_integer = f"pair {index}: rank_{rater} must be an integer, got {value!r}"
    if isinstance(value, bool):
        raise TypeError(not_integer)
    try:
        rank = operator.index(value)
    except TypeError:
        raise TypeError(not_integer) from None
    if not 1 <= rank <= q:
        raise ValueError(f"pair {index}: rank_{rater} is {rank}, outside the scale's ranks 1..{q}")
    return rank


def _checked_matrix(matrix: Sequence[Sequence[int]]) -> Matrix:
    q = len(matrix)
    _check_levels(q)
    rows: list[tuple[int, ...]] = []
    for i, row in enumerate(matrix):
        if len(row) != q:
            raise ValueError(
                f"the confusion matrix must be square: row {i} has {len(row)} cells, not {q}"
            )
        for j, cell in enumerate(row):
            if isinstance(cell, bool) or not isinstance(cell, int) or cell < 0:
                raise ValueError(f"confusion[{i}][{j}] must be a count (int >= 0), got {cell!r}")
        rows.append(tuple(row))
    return tuple(rows)


__all__ = [
    "SCALE_LEVELS",
    "Agreement",
    "agreement",
    "agreement_from_confusion",
    "gwet_ac2_exact",
    "kappa_quadratic_exact",
    "pct",
    "quadratic_weight",
    "round_half_up",
]
