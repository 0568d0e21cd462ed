#pragma once
// Private fixed-size limb kernels behind the fast paths of FullMath (uint256.cpp), SwapMath
// (swap_math.cpp) and TickMath (tick_math.cpp). Numbers are little-endian arrays of 64-bit limbs
// with an explicit length; nothing allocates, throws or loops over more than 8 limbs.
//
// Division is Knuth's Algorithm D (TAOCP vol. 2 §4.3.1) with each quotient digit from a
// Möller-Granlund 3-by-2 division by a reciprocal of the divisor's top two limbs (one divq per
// division instead of one per digit). The rest of the speed comes from around it: no 512-bit
// buffer, only the live limbs, the zero leading quotient digit skipped, fixed divisor sizes
// unrolled, and the callers fusing nested divisions so that a swap step needs one or two
// divisions instead of five.
#include <cstdint>

#include "alvh/amm/uint256.hpp"

namespace alvh::amm::limb {

using u64 = std::uint64_t;

inline u64 lo64(u128 x) { return static_cast<u64>(x); }
inline u64 hi64(u128 x) { return static_cast<u64>(x >> 64); }

// 128-by-64 division with hi < d (the quotient fits 64 bits).
inline u64 div_2by1(u64 hi, u64 lo, u64 d, u64& rem) {
#if defined(__x86_64__)
  u64 q, r;
  __asm__("divq %4" : "=a"(q), "=d"(r) : "a"(lo), "d"(hi), "r"(d));
  rem = r;
  return q;
#else
  const u128 n = (u128(hi) << 64) | lo;
  rem = static_cast<u64>(n % d);
  return static_cast<u64>(n / d);
#endif
}

// Number of significant limbs of x[0..n).
inline int live(const u64* x, int n) {
  while (n > 0 && x[n - 1] == 0) --n;
  return n;
}

// Möller-Granlund 3-by-2 division (Möller and Granlund, "Improved division by invariant
// integers", IEEE Trans. Computers 60(2), 2011, Algorithms 5 and 6; as in GMP's
// invert_pi1 and udiv_qr_3by2): v = floor((2^192 - 1) / (d1, d0)) - 2^64 for d1's top bit set,
// then each quotient digit of (n2, n1, n0) / (d1, d0), (n2, n1) < (d1, d0), takes two
// multiplications and no divq. The one divq per division is off the digits' critical path.
inline u64 reciprocal_3by2(u64 d1, u64 d0) {
  u64 rem = 0;
  u64 v = div_2by1(~d1, ~u64(0), d1, rem);  // floor((2^128 - 1) / d1) - 2^64
  u64 p = d1 * v;
  p += d0;
  if (p < d0) {
    --v;
    const u64 mask = p >= d1 ? ~u64(0) : 0;
    p -= d1;
    v += mask;
    p -= mask & d1;
  }
  const u128 t = u128(d0) * v;
  const u64 t1 = hi64(t), t0 = lo64(t);
  p += t1;
  if (p < t1) {
    --v;
    if (p >= d1 && (p > d1 || t0 >= d0)) --v;
  }
  return v;
}

inline u64 div_3by2(u64 n2, u64 n1, u64 n0, u64 d1, u64 d0, u64 dinv, u64& r1, u64& r0) {
  const u128 qq = u128(n2) * dinv + ((u128(n2) << 64) | n1);
  u64 q = hi64(qq);
  const u64 q0 = lo64(qq);
  const u64 top = n1 - d1 * q;
  const u128 dd = (u128(d1) << 64) | d0;
  u128 r = ((u128(top) << 64) | n0) - dd - u128(d0) * q;
  ++q;
  const u64 mask = hi64(r) >= q0 ? ~u64(0) : 0;
  q += mask;
  r += (u128(mask & d1) << 64) | (mask & d0);
  if (__builtin_expect(hi64(r) >= d1, 0)) {
    if (r >= dd) {
      ++q;
      r -= dd;
    }
  }
  r1 = hi64(r);
  r0 = lo64(r);
  return q;
}

// w[0..N] -= qhat * vn (schoolbook), adding vn back once if that went negative; returns the
// digit. qhat must be the true digit or one more (Knuth's Theorem B after the second-limb test,
// or the digit 2^64 - 1 of the 3-by-2 loop's excluded case).
template <int N>
inline u64 submul_digit(u64* w, const u64* vn, u64 qhat) {
  u64 mul_carry = 0, borrow = 0;
  for (int i = 0; i < N; ++i) {
    const u128 p = u128(qhat) * vn[i] + mul_carry;
    mul_carry = hi64(p);
    const u64 pl = lo64(p), x = w[i];
    const u64 t = x - pl;
    const u64 b1 = x < pl ? 1 : 0;
    const u64 t2 = t - borrow;
    const u64 b2 = t < borrow ? 1 : 0;
    w[i] = t2;
    borrow = b1 + b2;
  }
  const u128 sub = u128(mul_carry) + borrow;
  const u64 top = w[N];
  w[N] = top - lo64(sub);
  if (u128(top) < sub) {
    --qhat;
    u64 c = 0;
    for (int i = 0; i < N; ++i) {
      const u128 sum = u128(w[i]) + vn[i] + c;
      w[i] = lo64(sum);
      c = hi64(sum);
    }
    w[N] += c;
  }
  return qhat;
}

// Knuth D for a divisor of exactly N >= 2 limbs (loops over N unrolled by the compiler).
template <int N>
inline bool divrem_n(const u64* u, int m, const u64* v, u64* q, u64* r) {
  const int s = __builtin_clzll(v[N - 1]);
  // x >> (64 - s) without a branch on s == 0: (x >> 1) >> (63 - s)
  const auto spill = [s](u64 x) { return (x >> 1) >> (63 - s); };
  // The shifts below are scalar on purpose: GCC's loop vectoriser turns them into 16-byte loads
  // of limbs the caller has just stored one by one, and every such load stalls on store
  // forwarding (measured: the swap step 10% slower). The limb carried from one iteration to
  // the next keeps the variable-length loop scalar; the fixed ones are unrolled outright.
  u64 vn[N], un[9];
#pragma GCC unroll 4
  for (int i = N - 1; i > 0; --i) vn[i] = (v[i] << s) | spill(v[i - 1]);
  vn[0] = v[0] << s;
  u64 upper = u[m - 1];
  un[m] = spill(upper);
  for (int i = m - 1; i > 0; --i) {
    const u64 lower = u[i - 1];
    un[i] = (upper << s) | spill(lower);
    upper = lower;
  }
  un[0] = upper << s;
  const u64 d1 = vn[N - 1], d0 = vn[N - 2];
  int j = m - N;
  // Leading quotient digit is zero when the top n+1 digits of u are below v at that position.
  if (un[m] == 0 && un[m - 1] < d1) q[j--] = 0;
  if (j == 0) {
    // a single digit: one divq estimate (Knuth's qhat test on the second divisor limb) costs
    // less than the reciprocal
    const u64 u2 = un[N], u1 = un[N - 1], u0 = un[N - 2];
    u64 qhat, rhat;
    bool rhat_big = false;  // rhat >= 2^64: the second-limb test cannot fail
    if (__builtin_expect(u2 >= d1, 0)) {  // only u2 == d1 is possible (the window is < b*v)
      qhat = ~u64(0);
      rhat = u1 + d1;
      rhat_big = rhat < u1;
    } else {
      qhat = div_2by1(u2, u1, d1, rhat);
    }
    while (!rhat_big && u128(qhat) * d0 > ((u128(rhat) << 64) | u0)) {
      --qhat;
      const u64 r2 = rhat + d1;
      rhat_big = r2 < rhat;
      rhat = r2;
    }
    q[0] = submul_digit<N>(un, vn, qhat);
    j = -1;
  }
  const u64 dinv = j >= 0 ? reciprocal_3by2(d1, d0) : 0;
  for (; j >= 0; --j) {
    u64* w = un + j;
    const u64 n2 = w[N], n1 = w[N - 1], n0 = w[N - 2];
    if (__builtin_expect(n2 == d1 && n1 == d0, 0)) {
      // the 3-by-2 precondition (n2, n1) < (d1, d0) fails: the digit is 2^64 - 1 (GMP
      // mpn_sbpi1_div_qr); subtract with the schoolbook loop, which also adds back if needed
      q[j] = submul_digit<N>(w, vn, ~u64(0));
      continue;
    }
    u64 r1, r0;
    u64 qd = div_3by2(n2, n1, n0, d1, d0, dinv, r1, r0);
    // the 3-by-2 step settled the top two limbs; subtract qd * vn[0..N-3] from the rest
    u64 cy = 0;
    for (int i = 0; i < N - 2; ++i) {
      const u128 p = u128(qd) * vn[i] + cy;
      const u64 pl = lo64(p);
      cy = hi64(p) + (w[i] < pl ? 1 : 0);
      w[i] -= pl;
    }
    const u64 b1 = r0 < cy ? 1 : 0;
    r0 -= cy;
    const u64 b2 = r1 < b1 ? 1 : 0;
    r1 -= b1;
    w[N - 2] = r0;
    w[N - 1] = r1;
    w[N] = 0;
    if (__builtin_expect(b2 != 0, 0)) {  // one too large: add the divisor back
      --qd;
      u64 c = 0;
      for (int i = 0; i < N; ++i) {
        const u128 sum = u128(w[i]) + vn[i] + c;
        w[i] = lo64(sum);
        c = hi64(sum);
      }
    }
    q[j] = qd;
  }
  u64 any = 0;
#pragma GCC unroll 4
  for (int i = 0; i < N; ++i) any |= un[i];
  if (r) {
#pragma GCC unroll 4
    for (int i = 0; i < N - 1; ++i) r[i] = (un[i] >> s) | ((un[i + 1] << 1) << (63 - s));
    r[N - 1] = un[N - 1] >> s;
  }
  return any != 0;
}

// q[0..m-n] = floor(u / v), r[0..n) = u mod v (r may be null), for u of m limbs and v of n
// limbs with v[n-1] != 0, m >= n, 1 <= n <= 4, m <= 8. Returns true if the remainder is non-zero.
inline bool divrem(const u64* u, int m, const u64* v, int n, u64* q, u64* r) {
  switch (n) {
    case 1: {
      const u64 d = v[0];
      u64 k = 0;
      for (int j = m - 1; j >= 0; --j) q[j] = div_2by1(k, u[j], d, k);
      if (r) r[0] = k;
      return k != 0;
    }
    case 2: return divrem_n<2>(u, m, v, q, r);
    case 3: return divrem_n<3>(u, m, v, q, r);
    default: return divrem_n<4>(u, m, v, q, r);
  }
}

// Full product of a (na limbs) and b (nb limbs) into p[0..na+nb).
inline void mul(const u64* a, int na, const u64* b, int nb, u64* p) {
  {  // the first row initialises p[0..nb] (no variable-length clear)
    u64 c = 0;
    for (int k = 0; k < nb; ++k) {
      const u128 t = u128(a[0]) * b[k] + c;
      p[k] = lo64(t);
      c = hi64(t);
    }
    p[nb] = c;
  }
  for (int i = 1; i < na; ++i) {
    u64 c = 0;
    for (int k = 0; k < nb; ++k) {
      const u128 t = u128(a[i]) * b[k] + p[i + k] + c;
      p[i + k] = lo64(t);
      c = hi64(t);
    }
    p[i + nb] = c;
  }
}

// p[0..6) = a[0..2) * b[0..4), on named scalars: through a limb array GCC copies the result out
// with 16-byte loads of limbs it has just stored one by one, which stall on store forwarding.
inline void mul_2x4(const u64* a, const u64* b, u64* p) {
  const u64 a0 = a[0], a1 = a[1];
  u128 t = u128(a0) * b[0];
  const u64 p0 = lo64(t);
  t = u128(a0) * b[1] + hi64(t);
  u64 p1 = lo64(t);
  t = u128(a0) * b[2] + hi64(t);
  u64 p2 = lo64(t);
  t = u128(a0) * b[3] + hi64(t);
  u64 p3 = lo64(t);
  const u64 p4 = hi64(t);
  t = u128(a1) * b[0] + p1;
  p1 = lo64(t);
  t = u128(a1) * b[1] + p2 + hi64(t);
  p2 = lo64(t);
  t = u128(a1) * b[2] + p3 + hi64(t);
  p3 = lo64(t);
  t = u128(a1) * b[3] + p4 + hi64(t);
  p[0] = p0;
  p[1] = p1;
  p[2] = p2;
  p[3] = p3;
  p[4] = lo64(t);
  p[5] = hi64(t);
}

// a <=> b on n limbs.
inline int cmp(const u64* a, const u64* b, int n) {
  for (int i = n - 1; i >= 0; --i)
    if (a[i] != b[i]) return a[i] < b[i] ? -1 : 1;
  return 0;
}

// Fixed-width helpers on U256 / u128.
inline void to_limbs(const U256& x, u64* l) {
  l[0] = lo64(x.lo);
  l[1] = hi64(x.lo);
  l[2] = lo64(x.hi);
  l[3] = hi64(x.hi);
}
inline U256 from_limbs(const u64* l) { return {(u128(l[3]) << 64) | l[2], (u128(l[1]) << 64) | l[0]}; }

// floor(u / v) (and whether the remainder is non-zero) for u of m <= 8 limbs and v != 0 of up
// to 4 limbs. The caller guarantees the quotient fits 256 bits.
inline U256 div_to_u256(const u64* u, int m, const U256& v, bool& inexact) {
  u64 vl[4];
  to_limbs(v, vl);
  const int n = live(vl, 4);
  m = live(u, m);
  if (m < n) {
    inexact = m > 0;
    return {};
  }
  u64 q[8] = {};
  inexact = divrem(u, m, vl, n, q, nullptr);
  return from_limbs(q);
}

}  // namespace alvh::amm::limb
