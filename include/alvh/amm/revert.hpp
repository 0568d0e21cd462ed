#pragma once
// alvh::amm::Revert: a call that would revert on chain. reason() is the Solidity revert string
// where the contract has one ("T", "R", "SPL", "LS", "LA", "LO", "TLU", "TLM", "TUM", "AS",
// "NP", "AI", ...); for bare require()/overflow reverts it is a short description of the
// condition (e.g. "mulDiv overflow"). what() = "revert <reason>: <detail>".
#include <string>
#include <utility>

#include "alvh/core/error.hpp"

namespace alvh::amm {

class Revert : public alvh::Error {
 public:
  explicit Revert(std::string reason, const std::string& detail = {})
      : alvh::Error("revert " + reason + (detail.empty() ? std::string() : ": " + detail)), reason_(std::move(reason)) {}
  const std::string& reason() const noexcept { return reason_; }

 private:
  std::string reason_;
};

}  // namespace alvh::amm
