// Event calendar: see include/alvh/signals/event_calendar.hpp; dates and sources in docs/backtest.md.
#include "alvh/signals/event_calendar.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>

#include "alvh/core/csv.hpp"
#include "alvh/core/error.hpp"

namespace alvh::signals {
namespace {

// H. Hinnant, "chrono-Compatible Low-Level Date Algorithms": days since 1970-01-01.
std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? static_cast<unsigned>(-3) : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

bool read_int(std::string_view s, std::size_t pos, std::size_t len, int& out) {
  if (pos + len > s.size()) return false;
  for (std::size_t i = pos; i < pos + len; ++i)
    if (s[i] < '0' || s[i] > '9') return false;
  std::from_chars(s.data() + pos, s.data() + pos + len, out);
  return true;
}

}  // namespace

bool parse_utc(std::string_view s, std::int64_t& unix_s) {
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, se = 0;
  if (!read_int(s, 0, 4, y) || s.size() < 10 || s[4] != '-' || !read_int(s, 5, 2, mo) || s[7] != '-' ||
      !read_int(s, 8, 2, d))
    return false;
  if (mo < 1 || mo > 12 || d < 1 || d > 31) return false;
  std::size_t p = 10;
  if (s.size() > 10) {
    if (s[10] != 'T' && s[10] != ' ') return false;
    if (!read_int(s, 11, 2, h) || s.size() < 16 || s[13] != ':' || !read_int(s, 14, 2, mi)) return false;
    p = 16;
    if (s.size() > 16 && s[16] == ':') {
      if (!read_int(s, 17, 2, se)) return false;
      p = 19;
    }
    if (p < s.size() && s[p] == 'Z') ++p;
    if (p != s.size()) return false;
    if (h > 23 || mi > 59 || se > 60) return false;
  }
  unix_s = days_from_civil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d)) * 86400 + h * 3600 + mi * 60 + se;
  return true;
}

std::string format_utc(std::int64_t t) {
  std::int64_t z = (t >= 0 ? t : t - 86399) / 86400;
  const std::int64_t secs = t - z * 86400;
  z += 719468;  // Hinnant's civil_from_days
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  const std::int64_t y = static_cast<std::int64_t>(yoe) + era * 400 + (m <= 2);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z", y, m, d, secs / 3600, (secs / 60) % 60, secs % 60);
}

EventKind parse_event_kind(std::string_view s, bool& ok) {
  ok = true;
  if (s == "fomc") return EventKind::Fomc;
  if (s == "cpi") return EventKind::Cpi;
  if (s == "upgrade") return EventKind::Upgrade;
  if (s == "other") return EventKind::Other;
  ok = false;
  return EventKind::Other;
}

EventCalendar::EventCalendar(std::vector<Event> events) : events_(std::move(events)) {
  std::stable_sort(events_.begin(), events_.end(), [](const Event& a, const Event& b) { return a.unix_s < b.unix_s; });
}

EventCalendar EventCalendar::builtin() {
  // FOMC statement 14:00 ET (18:00 UTC in EDT, 19:00 UTC in EST); CPI 08:30 ET (12:30 / 13:30 UTC).
  // Dates: federalreserve.gov FOMC calendars; BLS CPI release schedules; ethereum.org upgrade history.
  struct Row {
    const char* when;
    EventKind kind;
    const char* name;
  };
  static const Row rows[] = {
      {"2021-04-15T10:07Z", EventKind::Upgrade, "Berlin"},
      {"2021-08-05T12:33Z", EventKind::Upgrade, "London (EIP-1559)"},
      {"2022-09-15T06:42Z", EventKind::Upgrade, "The Merge (Paris)"},
      {"2023-04-12T22:27Z", EventKind::Upgrade, "Shanghai/Capella"},
      {"2024-03-13T13:55Z", EventKind::Upgrade, "Dencun"},
      {"2025-05-07T10:05Z", EventKind::Upgrade, "Pectra"},
      {"2022-01-26T19:00Z", EventKind::Fomc, "FOMC"}, {"2022-03-16T18:00Z", EventKind::Fomc, "FOMC"},
      {"2022-05-04T18:00Z", EventKind::Fomc, "FOMC"}, {"2022-06-15T18:00Z", EventKind::Fomc, "FOMC"},
      {"2022-07-27T18:00Z", EventKind::Fomc, "FOMC"}, {"2022-09-21T18:00Z", EventKind::Fomc, "FOMC"},
      {"2022-11-02T18:00Z", EventKind::Fomc, "FOMC"}, {"2022-12-14T19:00Z", EventKind::Fomc, "FOMC"},
      {"2023-02-01T19:00Z", EventKind::Fomc, "FOMC"}, {"2023-03-22T18:00Z", EventKind::Fomc, "FOMC"},
      {"2023-05-03T18:00Z", EventKind::Fomc, "FOMC"}, {"2023-06-14T18:00Z", EventKind::Fomc, "FOMC"},
      {"2023-07-26T18:00Z", EventKind::Fomc, "FOMC"}, {"2023-09-20T18:00Z", EventKind::Fomc, "FOMC"},
      {"2023-11-01T18:00Z", EventKind::Fomc, "FOMC"}, {"2023-12-13T19:00Z", EventKind::Fomc, "FOMC"},
      {"2024-01-31T19:00Z", EventKind::Fomc, "FOMC"}, {"2024-03-20T18:00Z", EventKind::Fomc, "FOMC"},
      {"2024-05-01T18:00Z", EventKind::Fomc, "FOMC"}, {"2024-06-12T18:00Z", EventKind::Fomc, "FOMC"},
      {"2024-07-31T18:00Z", EventKind::Fomc, "FOMC"}, {"2024-09-18T18:00Z", EventKind::Fomc, "FOMC"},
      {"2024-11-07T19:00Z", EventKind::Fomc, "FOMC"}, {"2024-12-18T19:00Z", EventKind::Fomc, "FOMC"},
      {"2022-07-13T12:30Z", EventKind::Cpi, "US CPI"}, {"2022-08-10T12:30Z", EventKind::Cpi, "US CPI"},
      {"2022-09-13T12:30Z", EventKind::Cpi, "US CPI"}, {"2022-10-13T12:30Z", EventKind::Cpi, "US CPI"},
      {"2022-11-10T13:30Z", EventKind::Cpi, "US CPI"}, {"2022-12-13T13:30Z", EventKind::Cpi, "US CPI"},
      {"2023-01-12T13:30Z", EventKind::Cpi, "US CPI"}, {"2023-02-14T13:30Z", EventKind::Cpi, "US CPI"},
      {"2023-03-14T12:30Z", EventKind::Cpi, "US CPI"}, {"2023-04-12T12:30Z", EventKind::Cpi, "US CPI"},
      {"2023-05-10T12:30Z", EventKind::Cpi, "US CPI"}, {"2023-06-13T12:30Z", EventKind::Cpi, "US CPI"},
      {"2023-07-12T12:30Z", EventKind::Cpi, "US CPI"}, {"2023-08-10T12:30Z", EventKind::Cpi, "US CPI"},
      {"2023-09-13T12:30Z", EventKind::Cpi, "US CPI"}, {"2023-10-12T12:30Z", EventKind::Cpi, "US CPI"},
      {"2023-11-14T13:30Z", EventKind::Cpi, "US CPI"}, {"2023-12-12T13:30Z", EventKind::Cpi, "US CPI"},
      {"2024-01-11T13:30Z", EventKind::Cpi, "US CPI"}, {"2024-02-13T13:30Z", EventKind::Cpi, "US CPI"},
      {"2024-03-12T12:30Z", EventKind::Cpi, "US CPI"}, {"2024-04-10T12:30Z", EventKind::Cpi, "US CPI"},
      {"2024-05-15T12:30Z", EventKind::Cpi, "US CPI"}, {"2024-06-12T12:30Z", EventKind::Cpi, "US CPI"},
      {"2024-07-11T12:30Z", EventKind::Cpi, "US CPI"}, {"2024-08-14T12:30Z", EventKind::Cpi, "US CPI"},
      {"2024-09-11T12:30Z", EventKind::Cpi, "US CPI"}, {"2024-10-10T12:30Z", EventKind::Cpi, "US CPI"},
  };
  std::vector<Event> ev;
  for (const auto& r : rows) {
    std::int64_t t = 0;
    parse_utc(r.when, t);
    ev.push_back({t, r.kind, r.name});
  }
  return EventCalendar(std::move(ev));
}

EventCalendar EventCalendar::load_csv(const std::string& path) {
  CsvReader csv(path);
  const auto c_date = csv.column("date"), c_kind = csv.column("kind"), c_name = csv.column("name");
  std::vector<Event> ev;
  while (csv.next()) {
    Event e;
    if (!parse_utc(csv.field(c_date), e.unix_s))
      csv.fail(c_date, fmt::format("expected a UTC date YYYY-MM-DD[THH:MM[:SS]Z], got '{}'", csv.field(c_date)));
    bool ok = false;
    e.kind = parse_event_kind(csv.field(c_kind), ok);
    if (!ok) csv.fail(c_kind, fmt::format("expected fomc, cpi, upgrade or other, got '{}'", csv.field(c_kind)));
    e.name = std::string(csv.field(c_name));
    ev.push_back(std::move(e));
  }
  return EventCalendar(std::move(ev));
}

bool EventCalendar::in_pre_event_window(std::int64_t t, std::int64_t pre_event_s) const {
  auto it = std::upper_bound(events_.begin(), events_.end(), t,
                             [](std::int64_t v, const Event& e) { return v < e.unix_s; });
  return it != events_.end() && it->unix_s <= t + pre_event_s;
}

}  // namespace alvh::signals
