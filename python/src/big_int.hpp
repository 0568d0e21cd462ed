#pragma once
// Python int <-> alvh::amm::U256 / I256 / u128, through decimal strings (no precision lost). A
// value outside its Solidity type's range raises alvh.DomainError naming the argument.
#include <string>

#include "alvh/amm/uint256.hpp"
#include "bindings.hpp"

namespace alvh::python {

inline std::string int_text(const py::handle& v, const char* name) {
  if (!py::isinstance<py::int_>(v) || py::isinstance<py::bool_>(v))
    throw DomainError(std::string(name) + ": expected a Python int, got " + std::string(py::str(v.get_type())));
  return py::str(v);
}

inline amm::U256 to_u256(const py::int_& v, const char* name) {
  const std::string s = int_text(v, name);
  if (!s.empty() && s[0] == '-') throw DomainError(std::string(name) + ": expected an unsigned integer, got " + s);
  try {
    return amm::U256::parse(s);
  } catch (const DomainError&) {
    throw DomainError(std::string(name) + ": expected an integer < 2^256, got " + s);
  }
}

inline amm::I256 to_i256(const py::int_& v, const char* name) {
  const std::string s = int_text(v, name);
  try {
    return amm::I256::parse(s);
  } catch (const DomainError&) {
    throw DomainError(std::string(name) + ": expected an integer in [-2^255, 2^255), got " + s);
  }
}

inline amm::u128 to_u128(const py::int_& v, const char* name) {
  const amm::U256 x = to_u256(v, name);
  if (!x.fits_u128())
    throw DomainError(std::string(name) + ": expected an integer < 2^128 (uint128), got " + x.to_string());
  return x.lo;
}

inline py::int_ from_text(const std::string& s) {
  return py::reinterpret_steal<py::int_>(PyLong_FromString(s.c_str(), nullptr, 10));
}
inline py::int_ from_u256(const amm::U256& x) { return from_text(x.to_string()); }
inline py::int_ from_i256(const amm::I256& x) { return from_text(x.to_string()); }
inline py::int_ from_u128(amm::u128 x) { return from_text(amm::to_string(x)); }

}  // namespace alvh::python
