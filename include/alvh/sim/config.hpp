#pragma once
// The simulation config file (TOML): model parameters the CLI flags do not cover. Every table
// and key is listed in docs/sim.md; an unknown key is an InputError naming it (a typo never
// silently falls back to a default).
//
//   [merton]    intensity, jump_mean, jump_stdev
//   [heston]    v0, kappa, theta, vol_of_vol, rho           (v0 and theta default to --vol^2)
//   [regime]    vols = [...], generator = [[...], ...], initial_state
//               or history = "prices.csv" (+ column, window, states) to calibrate
//   [bootstrap] file, column, mean_block, demean, interval_years
//   [hedge]     mark = "black76" | "intrinsic", vol
//   [engine]    normals = "fast" | "exact"                  (SimulationSpec::normals; default fast)
//   [[events]]  name, t_years, probability, jump_mean, jump_stdev
#include <optional>
#include <string>
#include <vector>

#include "alvh/sim/engine.hpp"
#include "alvh/sim/models.hpp"

namespace alvh::sim {

struct SimConfig {
  struct Merton {
    double intensity = 0.0, jump_mean = 0.0, jump_stdev = 0.0;
  } merton;
  struct Heston {
    std::optional<double> v0, theta;
    double kappa = 2.0, vol_of_vol = 0.5, rho = 0.0;
  } heston;
  struct Regime {
    std::vector<double> vols;
    std::vector<double> generator;
    int initial_state = 0;
    std::string history;  // calibrate from this price CSV when vols is empty
    std::string column = "close";
    int window = 24;
    int states = 2;
  } regime;
  struct Bootstrap {
    std::string file;
    std::string column = "close";
    double mean_block = 24.0;
    bool demean = false;
    double interval_years = 0.0;  // 0 = from the timestamps
  } bootstrap;
  struct Hedge {
    HedgeMarking mark = HedgeMarking::Black76;
    std::optional<double> vol;
  } hedge;
  struct Engine {
    NormalMethod normals = NormalMethod::Fast;  // normal.hpp; SimulationSpec::normals
  } engine;
  std::vector<ScheduledEvent> events;
  std::string path;  // file it came from (for messages)
};

// Parses a TOML config. Throws InputError(file, line, key, message) on syntax errors, unknown
// keys and values of the wrong type. Relative file paths inside are resolved against the
// config's directory.
SimConfig load_sim_config(const std::string& path);

// Builds the model named `name` (gbm|merton|heston|regime|bootstrap) from the flag values and
// the config. Throws InputError for an unknown name or missing required config.
PriceModel make_model(const std::string& name, double drift, double vol, const SimConfig& cfg);

}  // namespace alvh::sim
