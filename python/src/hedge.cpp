// alvh::hedge bindings: the legs of an alvh.hedge document (alvh/hedge/hedge_leg.hpp).
#include <pybind11/stl.h>

#include "alvh/hedge/hedge_leg.hpp"
#include "bindings.hpp"

namespace alvh::python {

py::object json_to_python(const std::string& dumped) {
  // Leaked on purpose: a static py::object would be dec-ref'd after interpreter finalisation.
  static py::handle loads = py::object(py::module_::import("json").attr("loads")).release();
  return loads(dumped);
}

void bind_hedge(py::module_& m) {
  m.def(
      "read_hedge_json",
      [](const std::string& path) {
        py::list legs;
        for (const auto& leg : hedge::read_hedge_json(path)) legs.append(json_to_python(hedge::to_json(leg).dump()));
        return legs;
      },
      py::arg("path"),
      "The legs of an alvh.hedge document (written by `alvh --json hedge`) as a list of dicts: instrument,\n"
      "type ('put'|'call'), strike, expiry_years, quantity (signed, + = long, units of underlying), premium\n"
      "(per unit underlying, numeraire), side ('buy'|'sell'). Raises alvh.InputError naming the file and\n"
      "field when the file is missing, is not an alvh.hedge document, or a leg is malformed.");
}

}  // namespace alvh::python
