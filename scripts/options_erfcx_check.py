#!/usr/bin/python3
"""Accuracy of the vector erfcx used by src/options/vector_normal-inl.h, checked against mpmath.

The kernel evaluates W. J. Cody's rational Chebyshev approximations ("Rational Chebyshev
approximations for the error function", Math. Comp. 23 (1969) 631-637; coefficients as
published in netlib SPECFUN CALERF, 1990) in the arrangement of the vector kernel:
  z <= 0.46875:  erfc(z) = (Q1(z^2) - z P1(z^2)) / Q1(z^2)               (erf rational, 4/4)
  0.46875 < z <= 4: erfcx(z) = P2(z) / Q2(z)                             (8/8)
  z > 4: erfcx(z) = (w Q3~(w)/sqrt(pi) - P3~(w)) / (z w Q3~(w)), w = z^2 (Cody's 5/5 rational
         in 1/z^2, numerator and denominator multiplied by z^10 so no 1/z^2 is formed)
This script evaluates exactly those double-precision operations (numpy, FMA-free Horner,
so it bounds the vector code's error up to FMA rounding differences) on a dense grid of z in
[0, 60] and prints the maximum relative error against mpmath at 40 digits.
Run: /usr/bin/python3 scripts/options_erfcx_check.py
"""
import numpy as np
import mpmath as mp

mp.mp.dps = 40
A = [3.16112374387056560e00, 1.13864154151050156e02, 3.77485237685302021e02, 3.20937758913846947e03,
     1.85777706184603153e-1]
B = [2.36012909523441209e01, 2.44024637934444173e02, 1.28261652607737228e03, 2.84423683343917062e03]
C = [5.64188496988670089e-1, 8.88314979438837594e00, 6.61191906371416295e01, 2.98635138197400131e02,
     8.81952221241769090e02, 1.71204761263407058e03, 2.05107837782607147e03, 1.23033935479799725e03,
     2.15311535474403846e-8]
D = [1.57449261107098347e01, 1.17693950891312499e02, 5.37181101862009858e02, 1.62138957456669019e03,
     3.29079923573345963e03, 4.36261909014324716e03, 3.43936767414372164e03, 1.23033935480374942e03]
P = [3.05326634961232344e-1, 3.60344899949804439e-1, 1.25781726111229246e-1, 1.60837851487422766e-2,
     6.58749161529837803e-4, 1.63153871373020978e-2]
Q = [2.56852019228982242e00, 1.87295284992346047e00, 5.27905102951428412e-1, 6.05183413124413191e-2,
     2.33520497626869185e-3]
RSQRTPI = 0.5641895835477562869480794515607725858440


def horner(coefs_high_to_low, x):
    acc = np.full_like(x, coefs_high_to_low[0])
    for c in coefs_high_to_low[1:]:
        acc = acc * x + c
    return acc


def parts(z):
    z2 = z * z
    # erf(z) = z (A4 z^8 + A0 z^6 + A1 z^4 + A2 z^2 + A3) / (z^8 + B0 z^6 + B1 z^4 + B2 z^2 + B3)
    p1 = horner([A[4], A[0], A[1], A[2], A[3]], z2)
    q1 = horner([1.0, B[0], B[1], B[2], B[3]], z2)
    small = (q1 - z * p1) / q1  # erfc(z)
    p2 = horner([C[8]] + C[0:8], z)
    q2 = horner([1.0] + D[0:8], z)
    mid = p2 / q2
    # Cody: erfcx = (1/sqrt(pi) - y N(y)/D(y))/z, y = 1/z^2, N = P5 y^5 + P0 y^4 + .. + P4,
    # D = y^5 + Q0 y^4 + .. + Q4; times z^10: N~(w) = P5 + P0 w + .. + P4 w^5, D~ = 1 + Q0 w + .. + Q4 w^5.
    nt = horner([P[4], P[3], P[2], P[1], P[0], P[5]], z2)
    dt = horner([Q[4], Q[3], Q[2], Q[1], Q[0], 1.0], z2)
    large = (z2 * dt * RSQRTPI - nt) / (z * z2 * dt)
    return small, mid, large


def main():
    zs = np.concatenate([np.linspace(0, 0.46875, 2001), np.linspace(0.46875, 4, 4001)[1:], np.linspace(4, 60, 4001)[1:],
                         np.geomspace(60, 1e6, 200)])
    small, mid, large = parts(zs)
    worst = {"small (erfc)": 0.0, "mid (erfcx)": 0.0, "large (erfcx)": 0.0}
    for z, s, m, l in zip(zs, small, mid, large):
        zm = mp.mpf(float(z))
        if z <= 0.46875:
            ref, got, key = mp.erfc(zm), s, "small (erfc)"
        elif z <= 4:
            ref, got, key = mp.exp(zm * zm) * mp.erfc(zm), m, "mid (erfcx)"
        else:
            ref, got, key = mp.exp(zm * zm) * mp.erfc(zm), l, "large (erfcx)"
        worst[key] = max(worst[key], float(abs(mp.mpf(float(got)) / ref - 1)))
    for k, v in worst.items():
        print(f"{k:14s} max relative error {v:.2e}")


if __name__ == "__main__":
    main()
