// The Layer-2/3 signals (alvh/signals/indicators.hpp) over numpy series: RSI (Wilder), MACD (Appel,
// pandas ewm(adjust=False) seeding), EWMA realized vol and the range-based variance estimators
// (Parkinson, Garman-Klass, Rogers-Satchell, Yang-Zhang). Output i uses only inputs 0..i.
#include <pybind11/stl.h>

#include <cmath>
#include <span>
#include <string>
#include <vector>

#include "alvh/signals/indicators.hpp"
#include "bindings.hpp"

namespace alvh::python {

namespace {
using signals::Ohlc;

std::span<const double> view(const DoubleArray& a) {
  return {a.data(), static_cast<std::size_t>(a.size())};
}

std::vector<Ohlc> bars_of(const DoubleArray& open, const DoubleArray& high, const DoubleArray& low,
                          const DoubleArray& close) {
  const auto n = static_cast<std::size_t>(close.size());
  require_size(open, n, "open");
  require_size(high, n, "high");
  require_size(low, n, "low");
  std::vector<Ohlc> bars(n);
  for (std::size_t i = 0; i < n; ++i) {
    bars[i] = {open.data()[i], high.data()[i], low.data()[i], close.data()[i]};
    const Ohlc& b = bars[i];
    if (!(b.open > 0 && b.high > 0 && b.low > 0 && b.close > 0) || b.low > b.high)
      throw DomainError("bar " + std::to_string(i) + ": prices must be finite and > 0 with low <= high");
  }
  return bars;
}

signals::VolEstimator estimator(const std::string& name) {
  if (name == "close_to_close") return signals::VolEstimator::CloseToClose;
  if (name == "parkinson") return signals::VolEstimator::Parkinson;
  if (name == "garman_klass") return signals::VolEstimator::GarmanKlass;
  throw DomainError("estimator: expected close_to_close, parkinson or garman_klass, got '" + name + "'");
}

void require_closes(const DoubleArray& closes) {
  for (py::ssize_t i = 0; i < closes.size(); ++i)
    if (!(closes.data()[i] > 0) || !std::isfinite(closes.data()[i]))
      throw DomainError("closes[" + std::to_string(i) + "]: expected a finite price > 0");
}
}  // namespace

void bind_signals(py::module_& m) {
  m.def(
      "rsi",
      [](const DoubleArray& closes, int period) {
        require_closes(closes);
        if (period < 1) throw DomainError("period: expected >= 1");
        return to_numpy(signals::rsi_series(view(closes), period));
      },
      py::arg("closes"), py::arg("period") = 14,
      "Wilder's RSI (1978) of a close series: NaN for the first `period` values (REFERENCES.md section 6).");
  m.def(
      "macd",
      [](const DoubleArray& closes, int fast, int slow, int signal) {
        require_closes(closes);
        if (fast < 1 || slow <= fast || signal < 1) throw DomainError("macd: expected 1 <= fast < slow and signal >= 1");
        signals::MacdSeries s = signals::macd_series(view(closes), fast, slow, signal);
        std::vector<double> cross(s.cross.size());
        for (std::size_t i = 0; i < cross.size(); ++i) cross[i] = static_cast<double>(static_cast<int>(s.cross[i]));
        py::dict d;
        d["macd"] = to_numpy(std::move(s.macd));
        d["signal"] = to_numpy(std::move(s.signal));
        d["hist"] = to_numpy(std::move(s.hist));
        d["cross"] = to_numpy(std::move(cross));
        return d;
      },
      py::arg("closes"), py::arg("fast") = 12, py::arg("slow") = 26, py::arg("signal") = 9,
      "MACD (Appel): dict of arrays macd = EMA_fast - EMA_slow, signal = EMA_signal(macd), hist, and cross\n"
      "(+1 bullish: hist turns positive, -1 bearish, 0 none). EMAs seeded with their first input (pandas\n"
      "ewm(span, adjust=False)).");
  m.def(
      "ewma_vol",
      [](const DoubleArray& open, const DoubleArray& high, const DoubleArray& low, const DoubleArray& close,
         double half_life_bars, double bars_per_year, const std::string& est) {
        if (!(half_life_bars > 0) || !(bars_per_year > 0))
          throw DomainError("half_life_bars and bars_per_year: expected > 0");
        const auto bars = bars_of(open, high, low, close);
        return to_numpy(signals::ewma_vol_series(bars, half_life_bars, bars_per_year, estimator(est)));
      },
      py::arg("open"), py::arg("high"), py::arg("low"), py::arg("close"), py::arg("half_life_bars"),
      py::arg("bars_per_year"), py::arg("estimator") = "close_to_close",
      "Streaming EWMA realized vol (annualised; RiskMetrics-style, zero mean) of OHLC bars; estimator is\n"
      "close_to_close, parkinson or garman_klass. Close-to-close is NaN on the first bar (no previous close);\n"
      "the range estimators give a value from the first bar.");
  m.def(
      "realized_variance",
      [](const std::string& est, const DoubleArray& open, const DoubleArray& high, const DoubleArray& low,
         const DoubleArray& close) {
        const auto bars = bars_of(open, high, low, close);
        if (est == "close_to_close") {
          std::vector<double> c(bars.size());
          for (std::size_t i = 0; i < c.size(); ++i) c[i] = bars[i].close;
          return signals::close_to_close_variance(c);
        }
        if (est == "parkinson") return signals::parkinson_variance(bars);
        if (est == "garman_klass") return signals::garman_klass_variance(bars);
        if (est == "rogers_satchell") return signals::rogers_satchell_variance(bars);
        if (est == "yang_zhang") return signals::yang_zhang_variance(bars).variance;
        throw DomainError("estimator: expected close_to_close, parkinson, garman_klass, rogers_satchell or yang_zhang, got '" +
                          est + "'");
      },
      py::arg("estimator"), py::arg("open"), py::arg("high"), py::arg("low"), py::arg("close"),
      "Per-bar variance of a window of OHLC bars by the named estimator (REFERENCES.md section 7); annualise with\n"
      "sqrt(var * bars_per_year).");
}

}  // namespace alvh::python
