#pragma once
// 256-bit unsigned (U256) and two's-complement signed (I256) integers on two unsigned __int128
// limbs, with the EVM's semantics: +, -, * wrap modulo 2^256 (Solidity 0.7 unchecked
// arithmetic), while the `checked_*` helpers and FullMath/UnsafeMath ports raise
// alvh::amm::Revert where the Uniswap v3 contracts revert.
//
// Sources: Uniswap v3-core contracts/libraries/FullMath.sol (Remco Bloemen's 512-bit mulDiv),
// UnsafeMath.sol, LowGasSafeMath.sol, SafeCast.sol at commit d8b1c635.
// Division is Knuth's Algorithm D (TAOCP vol. 2 §4.3.1) on the live 64-bit digits only
// (src/amm/limb_div.hpp).
#include <compare>
#include <cstdint>
#include <string>
#include <string_view>

#include "alvh/amm/revert.hpp"

namespace alvh::amm {

__extension__ typedef unsigned __int128 u128;  // NOLINT(modernize-use-using): __extension__ silences -Wpedantic only on a typedef
__extension__ typedef __int128 i128;  // NOLINT(modernize-use-using): as above

struct U256 {
  u128 lo = 0;
  u128 hi = 0;

  constexpr U256() noexcept = default;
  constexpr U256(u128 v) noexcept : lo(v) {}  // NOLINT: implicit widening, like Solidity
  constexpr U256(u128 high, u128 low) noexcept : lo(low), hi(high) {}

  static constexpr U256 max() noexcept { return {~u128(0), ~u128(0)}; }
  // 2^n for n in [0, 255].
  static constexpr U256 pow2(unsigned n) noexcept { return n < 128 ? U256(0, u128(1) << n) : U256(u128(1) << (n - 128), 0); }

  constexpr bool is_zero() const noexcept { return (lo | hi) == 0; }
  constexpr bool fits_u128() const noexcept { return hi == 0; }
  constexpr bool fits_u160() const noexcept { return (hi >> 32) == 0; }
  constexpr std::uint64_t limb(int i) const noexcept {
    return static_cast<std::uint64_t>(i < 2 ? (lo >> (64 * i)) : (hi >> (64 * (i - 2))));
  }
  // Index of the most significant set bit (BitMath.mostSignificantBit); requires != 0.
  int msb() const noexcept;
  int lsb() const noexcept;

  friend constexpr bool operator==(const U256& a, const U256& b) noexcept { return a.lo == b.lo && a.hi == b.hi; }
  friend constexpr std::strong_ordering operator<=>(const U256& a, const U256& b) noexcept {
    if (a.hi != b.hi) return a.hi < b.hi ? std::strong_ordering::less : std::strong_ordering::greater;
    if (a.lo != b.lo) return a.lo < b.lo ? std::strong_ordering::less : std::strong_ordering::greater;
    return std::strong_ordering::equal;
  }

  // Wrapping arithmetic (mod 2^256).
  friend constexpr U256 operator+(const U256& a, const U256& b) noexcept {
    const u128 lo = a.lo + b.lo;
    return {a.hi + b.hi + (lo < a.lo ? 1 : 0), lo};
  }
  friend constexpr U256 operator-(const U256& a, const U256& b) noexcept {
    return {a.hi - b.hi - (a.lo < b.lo ? 1 : 0), a.lo - b.lo};
  }
  friend constexpr U256 operator~(const U256& a) noexcept { return {~a.hi, ~a.lo}; }
  friend constexpr U256 operator&(const U256& a, const U256& b) noexcept { return {a.hi & b.hi, a.lo & b.lo}; }
  friend constexpr U256 operator|(const U256& a, const U256& b) noexcept { return {a.hi | b.hi, a.lo | b.lo}; }
  friend constexpr U256 operator^(const U256& a, const U256& b) noexcept { return {a.hi ^ b.hi, a.lo ^ b.lo}; }
  friend constexpr U256 operator<<(const U256& a, unsigned n) noexcept {
    if (n == 0) return a;
    if (n >= 256) return {};
    if (n >= 128) return {a.lo << (n - 128), 0};
    return {(a.hi << n) | (a.lo >> (128 - n)), a.lo << n};
  }
  friend constexpr U256 operator>>(const U256& a, unsigned n) noexcept {
    if (n == 0) return a;
    if (n >= 256) return {};
    if (n >= 128) return {0, a.hi >> (n - 128)};
    return {a.hi >> n, (a.lo >> n) | (a.hi << (128 - n))};
  }
  friend U256 operator*(const U256& a, const U256& b) noexcept;  // wrapping
  // Checked division (Solidity `/` and `%` revert on a zero divisor).
  friend U256 operator/(const U256& a, const U256& b);
  friend U256 operator%(const U256& a, const U256& b);

  U256& operator+=(const U256& b) noexcept { return *this = *this + b; }
  U256& operator-=(const U256& b) noexcept { return *this = *this - b; }

  // Decimal. parse accepts [0-9]+ (and "0x" hex); throws DomainError on anything else or overflow.
  static U256 parse(std::string_view s);
  std::string to_string() const;
  double to_double() const noexcept;
};

// Full 128x128 -> 256 product.
constexpr U256 mul_wide(u128 a, u128 b) noexcept {
  const u128 m = ~std::uint64_t(0);
  const u128 a0 = a & m, a1 = a >> 64, b0 = b & m, b1 = b >> 64;
  const u128 p00 = a0 * b0, p01 = a0 * b1, p10 = a1 * b0, p11 = a1 * b1;
  const u128 mid = (p00 >> 64) + (p01 & m) + (p10 & m);
  const u128 lo = (mid << 64) | (p00 & m);
  const u128 hi = p11 + (p01 >> 64) + (p10 >> 64) + (mid >> 64);
  return {hi, lo};
}

// Quotient and remainder of a / b (b != 0).
struct DivMod256 {
  U256 quotient;
  U256 remainder;
};
DivMod256 divmod(const U256& a, const U256& b);

// a*b without wrap-around: false if the full product needs more than 256 bits (product then
// holds the low 256 bits, as EVM MUL would).
bool mul_no_overflow(const U256& a, const U256& b, U256& product);
// FullMath.mulDiv: floor(a*b/denominator) with a 512-bit intermediate. Reverts if
// denominator == 0 or the result overflows 256 bits.
U256 mul_div(const U256& a, const U256& b, const U256& denominator);
// FullMath.mulDivRoundingUp: ceil(a*b/denominator); same reverts.
U256 mul_div_rounding_up(const U256& a, const U256& b, const U256& denominator);
// UnsafeMath.divRoundingUp: ceil(x/y). On chain y == 0 yields 0 (EVM div); no caller in the
// core passes 0, so here y == 0 raises Revert("division by zero") instead of hiding a bug.
U256 div_rounding_up(const U256& x, const U256& y);

// The session-1 implementations (one Knuth Algorithm D on a 512-bit buffer, hardware divq per
// digit), kept unchanged as the reference the fast kernels above are property-tested against
// (tests/amm/fast_path_test.cpp) and as the "before" figure in bench/amm_bench.cpp.
namespace reference {
DivMod256 divmod(const U256& a, const U256& b);
U256 mul_div(const U256& a, const U256& b, const U256& denominator);
U256 mul_div_rounding_up(const U256& a, const U256& b, const U256& denominator);
}  // namespace reference

// Throws Revert(reason, detail); out of line so the inline checks below stay small.
[[noreturn]] void throw_revert(const char* reason, const char* detail);

// LowGasSafeMath.add/sub on uint256.
inline U256 checked_add(const U256& a, const U256& b) {
  const U256 z = a + b;
  if (z < a) [[unlikely]] throw_revert("uint256 addition overflow", "");
  return z;
}
inline U256 checked_sub(const U256& a, const U256& b) {
  if (b > a) [[unlikely]] throw_revert("uint256 subtraction underflow", "");
  return a - b;
}

// Two's-complement int256 (Solidity int256).
struct I256 {
  U256 bits;

  constexpr I256() noexcept = default;
  constexpr explicit I256(U256 raw) noexcept : bits(raw) {}
  constexpr I256(i128 v) noexcept  // NOLINT: implicit, like Solidity
      : bits(v < 0 ? ~u128(0) : u128(0), static_cast<u128>(v)) {}

  static constexpr I256 max() noexcept { return I256(U256(~u128(0) >> 1, ~u128(0))); }
  static constexpr I256 min() noexcept { return I256(U256(u128(1) << 127, 0)); }

  constexpr bool is_negative() const noexcept { return (bits.hi >> 127) != 0; }
  constexpr bool is_zero() const noexcept { return bits.is_zero(); }
  // |x| as uint256 (|min| = 2^255, as uint256(-x) in Solidity).
  constexpr U256 abs() const noexcept { return is_negative() ? U256() - bits : bits; }

  friend constexpr I256 operator-(const I256& a) noexcept { return I256(U256() - a.bits); }
  friend constexpr I256 operator+(const I256& a, const I256& b) noexcept { return I256(a.bits + b.bits); }
  friend constexpr I256 operator-(const I256& a, const I256& b) noexcept { return I256(a.bits - b.bits); }
  friend constexpr bool operator==(const I256& a, const I256& b) noexcept { return a.bits == b.bits; }
  friend constexpr std::strong_ordering operator<=>(const I256& a, const I256& b) noexcept {
    const bool na = a.is_negative(), nb = b.is_negative();
    if (na != nb) return na ? std::strong_ordering::less : std::strong_ordering::greater;
    return a.bits <=> b.bits;
  }

  // Optional leading '-' then a U256 literal; throws DomainError if out of int256 range.
  static I256 parse(std::string_view s);
  std::string to_string() const;
  double to_double() const noexcept;
};

// LowGasSafeMath.add/sub on int256 (revert on signed overflow).
inline I256 checked_add(const I256& a, const I256& b) {
  const I256 z = a + b;
  // LowGasSafeMath: require((z = x + y) >= x == (y >= 0))
  if ((z >= a) != !b.is_negative()) [[unlikely]] throw_revert("int256 addition overflow", "");
  return z;
}
inline I256 checked_sub(const I256& a, const I256& b) {
  const I256 z = a - b;
  // LowGasSafeMath: require((z = x - y) <= x == (y >= 0))
  if ((z <= a) != !b.is_negative()) [[unlikely]] throw_revert("int256 subtraction overflow", "");
  return z;
}
// SafeCast.toInt256: reverts unless x < 2^255.
inline I256 to_int256(const U256& x) {
  if ((x.hi >> 127) != 0) [[unlikely]] throw_revert("SafeCast toInt256", "value >= 2^255");
  return I256(x);
}
// SafeCast.toUint160: reverts unless x < 2^160.
inline U256 to_uint160(const U256& x) {
  if (!x.fits_u160()) [[unlikely]] throw_revert("SafeCast toUint160", "value >= 2^160");
  return x;
}

// Helpers for u128 decimals (liquidity, tokens owed).
std::string to_string(u128 v);

// Q-format constants (FixedPoint96, FixedPoint128).
inline constexpr unsigned kResolution96 = 96;
inline const U256 kQ96 = U256::pow2(96);
inline const U256 kQ128 = U256::pow2(128);

}  // namespace alvh::amm
