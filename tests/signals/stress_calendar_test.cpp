// Stress indicator (definitions in stress.hpp) and event calendar (dates checked against
// Python's calendar.timegm for the same UTC instants).
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>

#include "alvh/core/error.hpp"
#include "alvh/signals/event_calendar.hpp"
#include "alvh/signals/stress.hpp"

using namespace alvh::signals;

TEST(SignalsStress, CalmPathDoesNotFireCrashDoes) {
  StressIndicator calm, crash;
  bool calm_fired = false, crash_fired = false;
  double c = 2000;
  for (int i = 0; i < 1000; ++i) {
    const double wiggle = 1.0 + 0.002 * std::sin(0.7 * i);
    calm.update({2000 * wiggle, 1e6, 1e9, 0.0});
    calm_fired |= calm.reading().fired;
    if (i >= 900) c *= 0.99;  // 1% per hour fall for 100 hours with volume x5 and liquidity pulled
    const bool shock = i >= 900;
    crash.update({i < 900 ? 2000 * wiggle : c, shock ? 5e6 : 1e6, shock ? 5e8 : 1e9, 0.0});
    crash_fired |= crash.reading().fired;
  }
  EXPECT_FALSE(calm_fired);
  EXPECT_TRUE(crash_fired);
  EXPECT_GT(crash.reading().drawdown_speed, 0.1);  // ~ (1 - 0.99^72) over 3 days
  EXPECT_NEAR(crash.reading().liquidity_shock, 0.0, 0.5);
}

TEST(SignalsStress, AccumulationDistributionFromNetFlows) {  // AD = sum(-netflow * close)
  StressParams p;
  p.divergence_window = 3;
  StressIndicator s(p);
  const double closes[] = {100, 101, 102, 103, 104};
  const double flows[] = {0.0, 1.0, 1.0, 1.0, 1.0};  // ETH flowing INTO the pool = holders selling
  double ad = 0;
  for (int i = 0; i < 5; ++i) {
    s.update({closes[i], NAN, NAN, flows[i]});
    ad += -flows[i] * closes[i];
    EXPECT_DOUBLE_EQ(s.reading().ad_line, ad);
  }
  EXPECT_TRUE(s.reading().distribution);  // price up over 3 bars while AD fell
  StressIndicator up(p);
  for (int i = 0; i < 5; ++i) up.update({closes[i], NAN, NAN, -flows[i]});
  EXPECT_FALSE(up.reading().distribution);
}

TEST(SignalsCalendar, ParseAndFormatUtc) {
  std::int64_t t = 0;
  ASSERT_TRUE(parse_utc("2022-09-15T06:42Z", t));
  EXPECT_EQ(t, 1663224120);  // calendar.timegm(2022-09-15 06:42)
  ASSERT_TRUE(parse_utc("1969-12-31 23:00:00", t));
  EXPECT_EQ(t, -3600);
  ASSERT_TRUE(parse_utc("2024-02-29", t));
  EXPECT_EQ(format_utc(t), "2024-02-29T00:00:00Z");
  EXPECT_EQ(format_utc(1663224120), "2022-09-15T06:42:00Z");
  EXPECT_FALSE(parse_utc("2022-13-01", t));
  EXPECT_FALSE(parse_utc("2022-09-15T06:42Zx", t));
  EXPECT_FALSE(parse_utc("yesterday", t));
}

TEST(SignalsCalendar, PreEventWindow) {
  const auto cal = EventCalendar::builtin();
  EXPECT_GT(cal.events().size(), 50u);
  std::int64_t merge = 0;
  parse_utc("2022-09-15T06:42Z", merge);
  EXPECT_TRUE(cal.in_pre_event_window(merge - 3600, 24 * 3600));
  EXPECT_FALSE(cal.in_pre_event_window(merge, 3600));  // window is (t, t+w]: the event itself has passed
  std::int64_t quiet = 0;
  parse_utc("2022-08-20T00:00Z", quiet);
  EXPECT_FALSE(cal.in_pre_event_window(quiet, 24 * 3600));
}

TEST(SignalsCalendar, CsvLoadAndBadRowNamesLineAndField) {
  const auto dir = std::filesystem::temp_directory_path();
  const auto good = dir / "alvh_events_good.csv", bad = dir / "alvh_events_bad.csv";
  std::ofstream(good) << "date,kind,name\n2024-01-01,fomc,test\n2023-01-01T10:00Z,upgrade,x\n";
  std::ofstream(bad) << "date,kind,name\n2024-01-01,fomc,ok\n2024-01-02,election,bad\n";
  const auto cal = EventCalendar::load_csv(good.string());
  ASSERT_EQ(cal.events().size(), 2u);
  EXPECT_EQ(cal.events()[0].name, "x");  // sorted
  try {
    EventCalendar::load_csv(bad.string());
    FAIL() << "expected InputError";
  } catch (const alvh::InputError& e) {
    EXPECT_EQ(e.line(), 3u);
    EXPECT_EQ(e.field(), "kind");
  }
  std::filesystem::remove(good);
  std::filesystem::remove(bad);
}
