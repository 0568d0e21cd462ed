#pragma once
// Event calendar: dated macro and protocol events (FOMC decisions, US CPI releases, Ethereum
// network upgrades) with a pre-event window in which the hedge is bumped, because implied and
// realized vol cluster around scheduled announcements.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace alvh::signals {

enum class EventKind { Fomc, Cpi, Upgrade, Other };

struct Event {
  std::int64_t unix_s;  // announcement time, UTC
  EventKind kind;
  std::string name;
};

// Parses "YYYY-MM-DD", "YYYY-MM-DDTHH:MM[:SS][Z]" or "YYYY-MM-DD HH:MM:SS" (UTC) to unix seconds.
// Returns false on anything else.
bool parse_utc(std::string_view s, std::int64_t& unix_s);
std::string format_utc(std::int64_t unix_s);  // "YYYY-MM-DDTHH:MM:SSZ"

class EventCalendar {
 public:
  EventCalendar() = default;
  explicit EventCalendar(std::vector<Event> events);  // sorted by time on construction

  // The built-in calendar: FOMC decisions and CPI releases 2022-2024 and Ethereum mainnet
  // upgrades 2021-2025 (docs/backtest.md lists them and their sources).
  static EventCalendar builtin();
  // CSV with columns date (parse_utc formats), kind (fomc|cpi|upgrade|other), name.
  // InputError names file, line and field on a bad row.
  static EventCalendar load_csv(const std::string& path);

  const std::vector<Event>& events() const { return events_; }
  // True when an event falls in (t, t + pre_event_s]: the hedge is bumped before it.
  bool in_pre_event_window(std::int64_t t, std::int64_t pre_event_s) const;

 private:
  std::vector<Event> events_;
};

EventKind parse_event_kind(std::string_view s, bool& ok);

}  // namespace alvh::signals
