// 256-bit integer arithmetic; see include/alvh/amm/uint256.hpp.
#include "alvh/amm/uint256.hpp"

#include <cmath>

#include "alvh/core/error.hpp"
#include "limb_div.hpp"

namespace alvh::amm {
namespace {

using u64 = std::uint64_t;

inline int clz64(u64 x) { return __builtin_clzll(x); }

// 128-by-64 division (high half < d): limb::div_2by1, shared with the fast paths.
using limb::div_2by1;

// Knuth Algorithm D (Hacker's Delight divmnu64): u has m digits, v has n digits with
// v[n-1] != 0, m >= n. q gets m-n+1 digits, r gets n digits (either may be null).
void divmnu(u64* q, u64* r, const u64* u, const u64* v, int m, int n) {
  if (n == 1) {
    u64 k = 0;
    for (int j = m - 1; j >= 0; --j) {
      const u64 qj = div_2by1(k, u[j], v[0], k);
      if (q) q[j] = qj;
    }
    if (r) r[0] = k;
    return;
  }
  const int s = clz64(v[n - 1]);
  u64 vn[8], un[17];
  for (int i = n - 1; i > 0; --i) vn[i] = (v[i] << s) | (s ? v[i - 1] >> (64 - s) : 0);
  vn[0] = v[0] << s;
  un[m] = s ? u[m - 1] >> (64 - s) : 0;
  for (int i = m - 1; i > 0; --i) un[i] = (u[i] << s) | (s ? u[i - 1] >> (64 - s) : 0);
  un[0] = u[0] << s;
  for (int j = m - n; j >= 0; --j) {
    // Estimate qhat from the top two digits; it is at most 2 too large.
    u128 qhat, rhat;
    if (un[j + n] >= vn[n - 1]) {
      const u128 num = (u128(un[j + n]) << 64) | un[j + n - 1];
      qhat = num / vn[n - 1];
      rhat = num - qhat * vn[n - 1];
    } else {
      u64 r64;
      qhat = div_2by1(un[j + n], un[j + n - 1], vn[n - 1], r64);
      rhat = r64;
    }
    const u128 base = u128(1) << 64;
    while (qhat >= base || qhat * vn[n - 2] > ((rhat << 64) | un[j + n - 2])) {
      qhat -= 1;
      rhat += vn[n - 1];
      if (rhat >= base) break;
    }
    // Multiply and subtract.
    i128 k = 0, t = 0;
    for (int i = 0; i < n; ++i) {
      const u128 p = qhat * vn[i];
      t = static_cast<i128>(un[i + j]) - k - static_cast<i128>(p & ~u64(0));
      un[i + j] = static_cast<u64>(t);
      k = static_cast<i128>(p >> 64) - (t >> 64);
    }
    t = static_cast<i128>(un[j + n]) - k;
    un[j + n] = static_cast<u64>(t);
    u64 qj = static_cast<u64>(qhat);
    if (t < 0) {  // add back (probability ~2/2^64)
      qj -= 1;
      u128 c = 0;
      for (int i = 0; i < n; ++i) {
        const u128 sum = u128(un[i + j]) + vn[i] + c;
        un[i + j] = static_cast<u64>(sum);
        c = sum >> 64;
      }
      un[j + n] = static_cast<u64>(un[j + n] + c);
    }
    if (q) q[j] = qj;
  }
  if (r) {
    for (int i = 0; i < n - 1; ++i) r[i] = (un[i] >> s) | (s ? un[i + 1] << (64 - s) : 0);
    r[n - 1] = un[n - 1] >> s;
  }
}

inline void to_limbs(const U256& x, u64* out) {
  for (int i = 0; i < 4; ++i) out[i] = x.limb(i);
}
inline U256 from_limbs(const u64* l) {
  return {(u128(l[3]) << 64) | l[2], (u128(l[1]) << 64) | l[0]};
}
inline int digits(const u64* l, int n) {
  while (n > 0 && l[n - 1] == 0) --n;
  return n;
}

struct U512 {
  u64 l[8];
};

U512 mul_full(const U256& a, const U256& b) {
  U512 p{};
  const U256 ll = mul_wide(a.lo, b.lo), lh = mul_wide(a.lo, b.hi), hl = mul_wide(a.hi, b.lo), hh = mul_wide(a.hi, b.hi);
  // p = ll + (lh + hl) << 128 + hh << 256, accumulated on 128-bit words w0..w3.
  u128 w0 = ll.lo, w1 = ll.hi, w2 = hh.lo, w3 = hh.hi;
  u128 c = 0;
  w1 += lh.lo;
  c = w1 < lh.lo ? 1 : 0;
  w1 += hl.lo;
  c += w1 < hl.lo ? 1 : 0;
  u128 c2 = 0;
  w2 += c;
  c2 += w2 < c ? 1 : 0;
  w2 += lh.hi;
  c2 += w2 < lh.hi ? 1 : 0;
  w2 += hl.hi;
  c2 += w2 < hl.hi ? 1 : 0;
  w3 += c2;
  const u128 w[4] = {w0, w1, w2, w3};
  for (int i = 0; i < 4; ++i) {
    p.l[2 * i] = static_cast<u64>(w[i]);
    p.l[2 * i + 1] = static_cast<u64>(w[i] >> 64);
  }
  return p;
}

// 512-by-256 division; reverts when the quotient needs more than 256 bits.
U256 div512(const U512& num, const U256& d, U256* rem, const char* what) {
  u64 v[4];
  to_limbs(d, v);
  const int n = digits(v, 4);
  if (n == 0) throw Revert(what, "denominator is zero");
  const int m = digits(num.l, 8);
  if (m < n) {
    if (rem) *rem = from_limbs(num.l);
    return {};
  }
  u64 q[9] = {}, r[4] = {};
  divmnu(q, r, num.l, v, m, n);
  for (int i = 4; i < 9; ++i)
    if (q[i] != 0) throw Revert(what, "result overflows uint256");
  if (rem) *rem = from_limbs(r);
  return from_limbs(q);
}

}  // namespace

int U256::msb() const noexcept {
  const u64 l3 = static_cast<u64>(hi >> 64), l2 = static_cast<u64>(hi), l1 = static_cast<u64>(lo >> 64),
            l0 = static_cast<u64>(lo);
  if (l3) return 255 - __builtin_clzll(l3);
  if (l2) return 191 - __builtin_clzll(l2);
  if (l1) return 127 - __builtin_clzll(l1);
  return 63 - __builtin_clzll(l0);
}

int U256::lsb() const noexcept {
  const u64 l3 = static_cast<u64>(hi >> 64), l2 = static_cast<u64>(hi), l1 = static_cast<u64>(lo >> 64),
            l0 = static_cast<u64>(lo);
  if (l0) return __builtin_ctzll(l0);
  if (l1) return 64 + __builtin_ctzll(l1);
  if (l2) return 128 + __builtin_ctzll(l2);
  return 192 + __builtin_ctzll(l3);
}

U256 operator*(const U256& a, const U256& b) noexcept {
  U256 p = mul_wide(a.lo, b.lo);
  p.hi += a.lo * b.hi + a.hi * b.lo;
  return p;
}

U256 operator/(const U256& a, const U256& b) { return divmod(a, b).quotient; }
U256 operator%(const U256& a, const U256& b) { return divmod(a, b).remainder; }

bool mul_no_overflow(const U256& a, const U256& b, U256& product) {
  if (a.hi == 0 && b.hi == 0) {
    product = mul_wide(a.lo, b.lo);
    return true;
  }
  const U512 p = mul_full(a, b);
  product = from_limbs(p.l);
  return (p.l[4] | p.l[5] | p.l[6] | p.l[7]) == 0;
}

namespace {
// Fast path for a power-of-two denominator 2^k (Q96, Q128): the product shifted right.
bool is_pow2(const U256& d) { return !d.is_zero() && (d & (d - U256(1))).is_zero(); }
U256 shr_512(const U512& p, unsigned k, bool& inexact, bool& overflow) {
  // quotient = p >> k must fit 256 bits
  u64 out[8] = {};
  const unsigned limb = k / 64, bit = k % 64;
  for (unsigned i = 0; i + limb < 8; ++i) {
    out[i] = p.l[i + limb] >> bit;
    if (bit && i + limb + 1 < 8) out[i] |= p.l[i + limb + 1] << (64 - bit);
  }
  overflow = (out[4] | out[5] | out[6] | out[7]) != 0;
  inexact = false;
  for (unsigned i = 0; i < limb; ++i) inexact |= p.l[i] != 0;
  if (bit) inexact |= (p.l[limb] & ((u64(1) << bit) - 1)) != 0;
  return from_limbs(out);
}
}  // namespace

namespace reference {

DivMod256 divmod(const U256& a, const U256& b) {
  if (b.is_zero()) throw Revert("division by zero");
  if (a.hi == 0 && b.hi == 0) {
    const u128 q = a.lo / b.lo;  // one library division; the remainder by multiply-subtract
    return {U256(q), U256(a.lo - q * b.lo)};
  }
  if (a < b) return {U256(), a};
  u64 u[4], v[4], q[4] = {}, r[4] = {};
  to_limbs(a, u);
  to_limbs(b, v);
  divmnu(q, r, u, v, digits(u, 4), digits(v, 4));
  return {from_limbs(q), from_limbs(r)};
}

U256 mul_div(const U256& a, const U256& b, const U256& denominator) {
  if (is_pow2(denominator)) {
    bool inexact = false, overflow = false;
    const U256 q = shr_512(mul_full(a, b), static_cast<unsigned>(denominator.lsb()), inexact, overflow);
    if (overflow) throw Revert("mulDiv", "result overflows uint256");
    return q;
  }
  if (a.hi == 0 && b.hi == 0) {
    const U256 p = mul_wide(a.lo, b.lo);
    if (denominator.is_zero()) throw Revert("mulDiv", "denominator is zero");
    return reference::divmod(p, denominator).quotient;
  }
  return div512(mul_full(a, b), denominator, nullptr, "mulDiv");
}

U256 mul_div_rounding_up(const U256& a, const U256& b, const U256& denominator) {
  U256 q, r;
  if (is_pow2(denominator)) {
    bool inexact = false, overflow = false;
    q = shr_512(mul_full(a, b), static_cast<unsigned>(denominator.lsb()), inexact, overflow);
    if (overflow) throw Revert("mulDiv", "result overflows uint256");
    if (inexact) r = U256(1);
  } else if (a.hi == 0 && b.hi == 0) {
    if (denominator.is_zero()) throw Revert("mulDiv", "denominator is zero");
    const auto qr = reference::divmod(mul_wide(a.lo, b.lo), denominator);
    q = qr.quotient;
    r = qr.remainder;
  } else {
    q = div512(mul_full(a, b), denominator, &r, "mulDiv");
  }
  if (!r.is_zero()) {
    if (q == U256::max()) throw Revert("mulDivRoundingUp", "result overflows uint256");
    q += U256(1);
  }
  return q;
}

}  // namespace reference

// ---- fast paths: the live limbs only, through limb::divrem (see limb_div.hpp).
DivMod256 divmod(const U256& a, const U256& b) {
  if (b.is_zero()) throw Revert("division by zero");
  if (a.hi == 0 && b.hi == 0) {
    const u128 q = a.lo / b.lo;  // one library division; the remainder by multiply-subtract
    return {U256(q), U256(a.lo - q * b.lo)};
  }
  if (a < b) return {U256(), a};
  u64 u[4], v[4], q[4] = {}, r[4] = {};
  limb::to_limbs(a, u);
  limb::to_limbs(b, v);
  limb::divrem(u, limb::live(u, 4), v, limb::live(v, 4), q, r);
  return {limb::from_limbs(q), limb::from_limbs(r)};
}

namespace {
// floor(a*b/d) and whether it is inexact; reverts when d == 0 or the quotient needs > 256 bits.
U256 mul_div_core(const U256& a, const U256& b, const U256& d, bool& inexact) {
  if (d.is_zero()) throw Revert("mulDiv", "denominator is zero");
  u64 al[4], bl[4], p[8] = {0, 0, 0, 0, 0, 0, 0, 0};
  limb::to_limbs(a, al);
  limb::to_limbs(b, bl);
  const int na = limb::live(al, 4), nb = limb::live(bl, 4);
  if (na == 0 || nb == 0) {
    inexact = false;
    return {};
  }
  limb::mul(al, na, bl, nb, p);
  const int np = na + nb;
  // the quotient fits 256 bits iff (product >> 256) < d
  if (np > 4 && !(limb::from_limbs(p + 4) < d)) throw Revert("mulDiv", "result overflows uint256");
  if (is_pow2(d)) {
    bool overflow = false;
    U512 full;
    for (int i = 0; i < 8; ++i) full.l[i] = p[i];
    return shr_512(full, static_cast<unsigned>(d.lsb()), inexact, overflow);
  }
  return limb::div_to_u256(p, np, d, inexact);
}
}  // namespace

U256 mul_div(const U256& a, const U256& b, const U256& denominator) {
  bool inexact = false;
  return mul_div_core(a, b, denominator, inexact);
}

U256 mul_div_rounding_up(const U256& a, const U256& b, const U256& denominator) {
  bool inexact = false;
  const U256 q = mul_div_core(a, b, denominator, inexact);
  if (!inexact) return q;
  if (q == U256::max()) throw Revert("mulDivRoundingUp", "result overflows uint256");
  return q + U256(1);
}

U256 div_rounding_up(const U256& x, const U256& y) {
  const auto qr = divmod(x, y);
  return qr.remainder.is_zero() ? qr.quotient : qr.quotient + U256(1);
}

void throw_revert(const char* reason, const char* detail) { throw Revert(reason, detail); }

U256 U256::parse(std::string_view s) {
  const std::string shown(s);
  if (s.empty()) throw DomainError("expected an unsigned integer, got ''");
  U256 v;
  if (s.size() > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
    for (char c : s.substr(2)) {
      unsigned d;
      if (c >= '0' && c <= '9') d = static_cast<unsigned>(c - '0');
      else if (c >= 'a' && c <= 'f') d = static_cast<unsigned>(c - 'a' + 10);
      else if (c >= 'A' && c <= 'F') d = static_cast<unsigned>(c - 'A' + 10);
      else throw DomainError("expected a hex integer, got '" + shown + "'");
      if ((v.hi >> 124) != 0) throw DomainError("integer does not fit 256 bits: '" + shown + "'");
      v = (v << 4) | U256(d);
    }
    return v;
  }
  const U256 ten(10);
  const U256 limit = U256::max() / ten;
  for (char c : s) {
    if (c < '0' || c > '9') throw DomainError("expected a decimal unsigned integer, got '" + shown + "'");
    const U256 d(static_cast<u128>(c - '0'));
    if (v > limit) throw DomainError("integer does not fit 256 bits: '" + shown + "'");
    const U256 next = v * ten + d;
    if (next < v * ten) throw DomainError("integer does not fit 256 bits: '" + shown + "'");
    v = next;
  }
  return v;
}

std::string U256::to_string() const {
  if (is_zero()) return "0";
  // Peel off 19 decimal digits at a time.
  constexpr u64 kChunk = 10000000000000000000ULL;
  u64 l[4];
  to_limbs(*this, l);
  std::string out;
  int n = digits(l, 4);
  while (n > 0) {
    u64 rem = 0;
    for (int i = n - 1; i >= 0; --i) l[i] = div_2by1(rem, l[i], kChunk, rem);
    n = digits(l, n);
    for (int k = 0; k < 19; ++k) {
      out.push_back(static_cast<char>('0' + rem % 10));
      rem /= 10;
      if (n == 0 && rem == 0) break;
    }
  }
  return std::string(out.rbegin(), out.rend());
}

double U256::to_double() const noexcept {
  return static_cast<double>(hi) * 340282366920938463463374607431768211456.0 + static_cast<double>(lo);
}

I256 I256::parse(std::string_view s) {
  const bool neg = !s.empty() && s[0] == '-';
  const U256 mag = U256::parse(neg ? s.substr(1) : s);
  const U256 lim = I256::min().bits;  // 2^255
  if (neg ? mag > lim : mag >= lim) throw DomainError("integer does not fit int256: '" + std::string(s) + "'");
  return neg ? -I256(mag) : I256(mag);
}

std::string I256::to_string() const {
  if (!is_negative()) return bits.to_string();
  std::string out(1, '-');  // appended, not "-" + s: GCC 12 gives a false -Wrestrict on that form
  out += abs().to_string();
  return out;
}
double I256::to_double() const noexcept { return is_negative() ? -abs().to_double() : bits.to_double(); }

std::string to_string(u128 v) { return U256(v).to_string(); }

}  // namespace alvh::amm
