#pragma once
// One bind_<module>() per bound alvh module (python/src/<module>.cpp); module.cpp calls them in
// dependency order. Shared helpers for numpy arguments live here.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include <cstddef>
#include <string>
#include <utility>
#include <vector>

#include "alvh/core/error.hpp"

namespace alvh::python {

namespace py = pybind11;

// A C-contiguous float64 view of any array-like (lists, scalars and other dtypes are converted).
using DoubleArray = py::array_t<double, py::array::c_style | py::array::forcecast>;

// Throws alvh::DomainError naming the argument unless `a` has `n` elements (or n == npos: any).
inline void require_size(const DoubleArray& a, std::size_t n, const char* name) {
  if (static_cast<std::size_t>(a.size()) != n)
    throw DomainError(std::string(name) + ": expected " + std::to_string(n) + " elements, got " +
                      std::to_string(a.size()));
}

// A new float64 array with the shape of `like`.
inline DoubleArray empty_like(const DoubleArray& like) {
  return DoubleArray(std::vector<py::ssize_t>(like.shape(), like.shape() + like.ndim()));
}

// Moves a vector into a numpy array without copying (the array owns it through a capsule).
inline py::array_t<double> to_numpy(std::vector<double>&& v) {
  auto* owned = new std::vector<double>(std::move(v));
  py::capsule owner(owned, [](void* q) { delete static_cast<std::vector<double>*>(q); });
  return py::array_t<double>(static_cast<py::ssize_t>(owned->size()), owned->data(), owner);
}

// An nlohmann::json value as the equivalent Python object (through json.loads: exact for
// doubles, which are printed with round-trip precision).
py::object json_to_python(const std::string& dumped);

void bind_errors(py::module_& m);
// The Python type alvh.Error (valid after bind_errors), base of module-specific error types.
PyObject* error_type();
void bind_amm(py::module_& m);
void bind_options(py::module_& m);
void bind_amm_exact(py::module_& m);
void bind_risk(py::module_& m);
void bind_hedge(py::module_& m);
void bind_sim(py::module_& m);
void bind_backtest(py::module_& m);
void bind_surface(py::module_& m);
void bind_pool(py::module_& m);
void bind_signals(py::module_& m);

}  // namespace alvh::python
