"""The numerical helpers of ``tnrbm._numerics`` against references computed with 60 decimal digits
(``decimal``) or closed forms, at small, moderate and huge arguments, real and complex."""

from __future__ import annotations

import cmath
import math
from decimal import Decimal, getcontext

import numpy as np
import pytest

from tnrbm._numerics import LN2, log1p_exp, log_2cosh, log_cosh, log_in_base, log_sum_exp, nats_per_unit

getcontext().prec = 60
REAL = [0.0, 1e-300, 1e-9, 1e-4, 0.3, 0.999, 1.0, 1.001, 5.0, 19.9, 20.1, 40.0, 710.0, 1e5, 1e300]


def _ref_log_cosh(x: float) -> float:
    """``ln cosh x`` with 60 digits: ``ln((e^x + e^-x) / 2)``; ``|x| - ln 2`` where ``e^-2|x|`` is below them."""
    a = Decimal(abs(x))
    if a > 200:
        return float(a - Decimal(2).ln())
    return float(((a.exp() + (-a).exp()) / 2).ln())


def _ref_log1p_exp(x: float) -> float:
    if x > 200:
        return float(Decimal(x) + (1 + (-Decimal(x)).exp()).ln())
    if x < -200:
        return float((-Decimal(-x)).exp())  # ln(1 + e^x) = e^x (1 + O(e^x))
    return float((1 + Decimal(x).exp()).ln())


@pytest.mark.parametrize("x", REAL + [-v for v in REAL])
def test_log_cosh_and_log_2cosh_match_60_digit_references(x):
    ref = _ref_log_cosh(x)
    got = float(log_cosh(x))
    assert math.isfinite(got)
    assert abs(got - ref) <= 2e-16 * max(abs(ref), 1e-300) or got == ref  # relative: also x**2/2 near 0
    assert abs(float(log_2cosh(x)) - (ref + math.log(2))) <= 2e-16 * (abs(ref) + 1)


def test_log_cosh_on_arrays_keeps_the_shape_and_agrees_with_numpy_where_numpy_works():
    x = np.linspace(-30, 30, 603).reshape(3, 201)
    got = log_cosh(x)
    assert got.shape == x.shape
    np.testing.assert_allclose(got, np.log(np.cosh(x)), rtol=1e-13, atol=1e-300)  # numpy: 1e-14 near 0


@pytest.mark.parametrize("re", [0.0, 1e-8, 0.4, 0.9, 1.0, 3.0, 25.0, 400.0, 1e4])
@pytest.mark.parametrize("im", [0.0, 1e-6, 0.7, 1.5, 3.0, -2.2])
def test_log_cosh_of_complex_arguments(re, im):
    """exp(log_cosh z) is cosh z; Re log_cosh z is ln|cosh z| = ln(sinh^2 a + cos^2 b) / 2 with 60 digits."""
    for z in (complex(re, im), complex(-re, im), complex(re, -im)):
        got = complex(log_cosh(z))
        a, b = Decimal(abs(z.real)), z.imag
        if a < 300:
            sinh = (a.exp() - (-a).exp()) / 2
            ref_re = float((sinh * sinh + Decimal(math.cos(b)) ** 2).ln() / 2)
        else:  # |cosh z| = e^a / 2 (1 + O(e^-2a))
            ref_re = float(a - Decimal(2).ln())
        assert abs(got.real - ref_re) <= 1e-15 * max(1.0, abs(ref_re)) + 1e-15 * (abs(math.cos(b)) < 1e-3)
        if abs(z.real) < 300:
            assert abs(cmath.exp(got) - cmath.cosh(z)) <= 1e-14 * abs(cmath.cosh(z)) + 1e-300
        d = complex(log_2cosh(z)) - got - LN2  # 0 up to 2 pi i
        assert abs(d.real) <= 4e-16 * max(1.0, abs(got.real)) and abs(cmath.exp(1j * d.imag) - 1) < 1e-14


@pytest.mark.parametrize("x", [-1e300, -800.0, -40.0, -1.0, -1e-12, 0.0, 1e-12, 0.5, 30.0, 800.0, 1e300])
def test_log1p_exp_matches_a_60_digit_reference(x):
    ref = _ref_log1p_exp(x)
    assert abs(float(log1p_exp(x)) - ref) <= 2e-16 * abs(ref) or float(log1p_exp(x)) == ref


def test_log1p_exp_of_complex_arguments():
    z = np.array([0.3 + 2.0j, -5.0 + 1.0j, 700.0 - 3.0j, -700.0 + 0.5j])
    got = log1p_exp(z)
    assert np.allclose(np.exp(got[:2]), 1 + np.exp(z[:2]), rtol=1e-14)
    assert abs(got[2] - z[2]) < 1e-14 * 700  # e^-700 is below the rounding of 700
    assert abs(got[3] - np.exp(z[3])) < 1e-15 * abs(np.exp(z[3]))  # numpy's complex log1p alone: 0 + 1j Im


def test_log_sum_exp_against_closed_forms():
    assert float(log_sum_exp(np.full(8, 1e4))) == 1e4 + 3 * LN2
    assert float(log_sum_exp(np.array([-np.inf, -np.inf]))) == -np.inf
    x = np.array([[0.0, np.log(3.0)], [-1000.0, -1000.0 + np.log(7.0)], [-np.inf, 2.0]])
    np.testing.assert_allclose(log_sum_exp(x, axis=1), [np.log(4.0), -1000.0 + np.log(8.0), 2.0], rtol=1e-15)
    np.testing.assert_allclose(log_sum_exp(x[:2], axis=0), np.log(np.exp(x[:2]).sum(axis=0)), rtol=1e-15)


def test_log_in_base_and_nats_per_unit():
    assert nats_per_unit(None) == 1.0 and nats_per_unit(math.e) == 1.0
    assert log_in_base(2.0, None) == LN2 == math.log(2) and log_in_base(2.0, 2) == 1.0
    assert log_in_base(1000.0, 10) == pytest.approx(3.0, rel=1e-15)
