#pragma once
// Rows of a checked-in mpmath fixture (tests/options/fixtures/<name>, written by the scripts named
// in each file's header): '#' comment lines and the header row are skipped, cells split on ','.
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace alvh::options::test {

inline std::vector<std::vector<std::string>> read_fixture_csv(const std::string& name) {
  std::ifstream in(std::string(ALVH_SOURCE_DIR) + "/tests/options/fixtures/" + name);
  std::vector<std::vector<std::string>> rows;
  std::string line;
  bool header = true;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    if (header) {
      header = false;
      continue;
    }
    std::vector<std::string> f;
    std::stringstream ss(line);
    std::string cell;
    while (std::getline(ss, cell, ',')) f.push_back(cell);
    rows.push_back(f);
  }
  return rows;
}

}  // namespace alvh::options::test
