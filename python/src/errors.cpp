// alvh::Error and its subclasses as Python exceptions, with the C++ message unchanged:
//   alvh.Error(RuntimeError)
//   alvh.DomainError(alvh.Error, ValueError)   argument outside its domain
//   alvh.InputError(alvh.Error, ValueError)    bad data; .file, .line (0 = whole file), .field
// Modules with their own error types (amm::Revert, ...) register translators in their bind_*().
#include <Python.h>

#include "bindings.hpp"

namespace alvh::python {

namespace {
// Owned for the life of the interpreter (module objects are never unloaded in CPython).
PyObject* g_error = nullptr;
PyObject* g_domain_error = nullptr;
PyObject* g_input_error = nullptr;

PyObject* new_exception_type(py::module_& m, const char* name, PyObject* bases, const char* doc) {
  const std::string qualified = std::string("alvh.") + name;
  PyObject* type = PyErr_NewExceptionWithDoc(qualified.c_str(), doc, bases, nullptr);
  if (!type) throw py::error_already_set();
  m.attr(name) = py::handle(type);  // the module holds a reference; g_* keep theirs
  return type;
}

void raise_input_error(const InputError& e) {
  py::object exc = py::reinterpret_steal<py::object>(PyObject_CallFunction(g_input_error, "s", e.what()));
  if (!exc) throw py::error_already_set();
  exc.attr("file") = e.file();
  exc.attr("line") = e.line();
  exc.attr("field") = e.field();
  PyErr_SetObject(g_input_error, exc.ptr());
}
}  // namespace

void bind_errors(py::module_& m) {
  g_error = new_exception_type(m, "Error", PyExc_RuntimeError,
                               "Base class of every error alvh raises (C++ alvh::Error); the message is the C++ one.");
  py::tuple domain_bases = py::make_tuple(py::handle(g_error), py::handle(PyExc_ValueError));
  g_domain_error = new_exception_type(
      m, "DomainError", domain_bases.ptr(),
      "An argument outside its mathematical domain (negative volatility, zero price, lower >= upper).");
  py::tuple input_bases = py::make_tuple(py::handle(g_error), py::handle(PyExc_ValueError));
  g_input_error = new_exception_type(
      m, "InputError", input_bases.ptr(),
      "Malformed input data (a file row, a config key, a JSON field). Attributes: file (str), line "
      "(int, 1-based; 0 when about the whole file), field (str, empty when not about one field).");
  // Class-level defaults, so an InputError raised from Python code still has the attributes.
  py::handle input_type(g_input_error);
  input_type.attr("file") = "";
  input_type.attr("line") = 0;
  input_type.attr("field") = "";

  // Most derived first. Translators registered later (by module bindings) are tried earlier.
  py::register_exception_translator([](std::exception_ptr p) {  // NOLINT(performance-unnecessary-value-param): pybind11 takes void(*)(std::exception_ptr)
    try {
      if (p) std::rethrow_exception(p);
    } catch (const InputError& e) {
      raise_input_error(e);
    } catch (const DomainError& e) {
      PyErr_SetString(g_domain_error, e.what());
    } catch (const Error& e) {
      PyErr_SetString(g_error, e.what());
    }
  });
}

// Used by module bindings that register their own subclasses of alvh.Error.
PyObject* error_type() { return g_error; }

}  // namespace alvh::python
