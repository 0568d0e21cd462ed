#pragma once
// JSON backend of the report sink, and its inverse (so `alvh report --input run.json` renders
// the HTML of a saved run without recomputing anything). Non-finite numbers (gaps in a series,
// an undefined ratio) are written as null and read back as NaN. Schema: docs/json-schema.md.
#include <nlohmann/json.hpp>

#include "alvh/report/document.hpp"

namespace alvh::report {

// Version of the document layout inside the JSON (independent of the CLI envelope's version).
inline constexpr int kDocumentVersion = 1;

nlohmann::json to_json(const Document& doc);
nlohmann::json to_json(const Block& block);

// Throws InputError(source, 0, "<json path>", msg) on a missing or mistyped field.
Document document_from_json(const nlohmann::json& j, const std::string& source = "<json>");

}  // namespace alvh::report
