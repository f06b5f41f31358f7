// libgpuswap.so joins the application's global symbol scope, and so does
// every library it needs: yaml-cpp must be neither needed nor named by it.
// Its YAML parser is libgpuswap_yaml.so beside it, loaded only on demand.

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

namespace {

// Every line `command` prints; the command must succeed.
std::vector<std::string> output_lines(const std::string& command) {
  std::vector<std::string> lines;
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) {
    ADD_FAILURE() << "cannot run " << command;
    return lines;
  }
  char line[2048];
  while (std::fgets(line, sizeof(line), pipe) != nullptr) lines.emplace_back(line);
  EXPECT_EQ(pclose(pipe), 0) << command;
  return lines;
}

// The NEEDED entries of the dynamic section: "Shared library: [libc.so.6]".
std::vector<std::string> needed_libraries(const std::string& file) {
  std::vector<std::string> needed;
  for (const std::string& line :
       output_lines(std::string(GPUSWAP_READELF) + " -d '" + file + "'")) {
    if (line.find("(NEEDED)") == std::string::npos) continue;
    const std::size_t open = line.find('[');
    const std::size_t close = line.find(']', open);
    if (open != std::string::npos && close != std::string::npos) {
      needed.push_back(line.substr(open + 1, close - open - 1));
    }
  }
  return needed;
}

bool mentions_yaml(const std::string& text) {
  std::string lower;
  for (char c : text) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return lower.find("yaml") != std::string::npos;
}

TEST(NeededLibraries, LibgpuswapNeedsNoYamlCpp) {
  const std::vector<std::string> needed = needed_libraries(GPUSWAP_LIBRARY_PATH);
  ASSERT_FALSE(needed.empty()) << "the dynamic section was not read";
  EXPECT_NE(std::find(needed.begin(), needed.end(), "libc.so.6"), needed.end());
  for (const std::string& library : needed) EXPECT_FALSE(mentions_yaml(library)) << library;
}

// Neither defined nor undefined: an undefined YAML:: reference would bind to
// whatever yaml-cpp the application brings.
TEST(NeededLibraries, LibgpuswapNamesNoYamlCppSymbol) {
  const std::vector<std::string> symbols =
      output_lines(std::string(GPUSWAP_NM) + " -D '" + GPUSWAP_LIBRARY_PATH + "'");
  ASSERT_GT(symbols.size(), 100u) << "the dynamic symbol table was not read";
  for (const std::string& symbol : symbols) {
    // yaml-cpp's namespace YAML is mangled as "4YAML".
    EXPECT_EQ(symbol.find("4YAML"), std::string::npos) << symbol;
    EXPECT_FALSE(mentions_yaml(symbol)) << symbol;
  }
}

// The parser is really elsewhere, beside the library, and it is the module
// that carries yaml-cpp (needed, or linked in hidden): the check above is not
// passing because YAML support was dropped.
TEST(NeededLibraries, TheYamlModuleLivesBesideLibgpuswap) {
  const std::filesystem::path module =
      std::filesystem::path(GPUSWAP_LIBRARY_PATH).parent_path() / "libgpuswap_yaml.so";
  ASSERT_TRUE(std::filesystem::is_regular_file(module)) << module;
  const std::vector<std::string> needed = needed_libraries(module.string());
  bool carries_yaml = false;
  for (const std::string& library : needed) carries_yaml = carries_yaml || mentions_yaml(library);
  for (const std::string& symbol :
       output_lines(std::string(GPUSWAP_NM) + " '" + module.string() + "' 2>/dev/null || true")) {
    carries_yaml = carries_yaml || symbol.find("4YAML") != std::string::npos;
  }
  EXPECT_TRUE(carries_yaml);
}

}  // namespace
