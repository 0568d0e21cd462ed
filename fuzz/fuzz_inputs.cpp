// libFuzzer harness over alvh's file and text inputs: the options chain loader (Deribit JSON/CSV,
// generic CSV), the backtest's bars loader and TOML config, hedge documents, event calendars, the
// simulation config and price histories, the swap and bar replay CSVs. The first byte picks the
// parser; the rest is the file. The contract under test (README "Standards"): bad input gives an
// alvh::Error (InputError naming file, line and field, DomainError, ...), never a crash, a
// sanitizer report, or another exception type escaping.
// Build and run: fuzz/README.md.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>

#include "alvh/amm/swap_replay.hpp"
#include "alvh/backtest/bars.hpp"
#include "alvh/backtest/config.hpp"
#include "alvh/core/error.hpp"
#include "alvh/hedge/hedge_leg.hpp"
#include "alvh/options/chain.hpp"
#include "alvh/signals/event_calendar.hpp"
#include "alvh/sim/calibration.hpp"
#include "alvh/sim/config.hpp"

namespace {

// One temporary file per process, rewritten for every input (the loaders take paths).
const std::string& scratch_path(const char* ext) {
  static std::string base = "/tmp/alvh-fuzz-" + std::to_string(::getpid());
  static std::string paths[8];
  static int n = 0;
  for (int i = 0; i < n; ++i)
    if (paths[i].ends_with(ext)) return paths[i];
  paths[n] = base + ext;
  return paths[n++];
}

const std::string& write_file(const std::uint8_t* data, std::size_t size, const char* ext) {
  const std::string& p = scratch_path(ext);
  std::FILE* f = std::fopen(p.c_str(), "wb");
  if (!f) std::abort();
  if (size > 0 && std::fwrite(data, 1, size, f) != size) std::abort();
  std::fclose(f);
  return p;
}

void run(std::uint8_t which, const std::uint8_t* data, std::size_t size) {
  using namespace alvh;
  switch (which % 11) {
    case 0: (void)options::load_chain(write_file(data, size, ".json")); break;
    case 1: (void)options::load_chain(write_file(data, size, ".csv")); break;
    case 2: (void)backtest::load_bars(write_file(data, size, ".csv")); break;
    case 3: (void)backtest::parse_config(std::string(reinterpret_cast<const char*>(data), size), "fuzz.toml"); break;
    case 4: (void)hedge::read_hedge_json(write_file(data, size, ".json")); break;
    case 5: (void)signals::EventCalendar::load_csv(write_file(data, size, ".csv")); break;
    case 6: (void)sim::load_sim_config(write_file(data, size, ".toml")); break;
    case 7: (void)sim::load_price_history(write_file(data, size, ".csv")); break;
    case 8: {
      amm::ReplayConfig c;
      c.tick_lower = -887220;
      c.tick_upper = 887220;
      c.capital = 1000.0;
      (void)amm::replay_swaps_csv(write_file(data, size, ".csv"), c);
      break;
    }
    case 9: {
      amm::ReplayConfig c;
      c.tick_lower = 190000;
      c.tick_upper = 200000;
      c.liquidity_raw = 1e15;
      (void)amm::replay_bars_csv(write_file(data, size, ".csv"), c);
      break;
    }
    default: (void)options::parse_deribit_instrument(std::string_view(reinterpret_cast<const char*>(data), size)); break;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  try {
    run(data[0], data + 1, size - 1);
  } catch (const alvh::Error&) {
    // the documented outcome for bad input
  } catch (const std::exception& e) {
    std::fprintf(stderr, "non-alvh exception escaped (parser %u): %s\n", data[0] % 11u, e.what());
    std::abort();
  }
  return 0;
}
