// libgpuswap.so exports exactly the hooks of hooked_symbols.def, dlsym and
// dlopen, each under its version node, and nothing else: no C++ symbol, no
// fmt/spdlog/yaml-cpp, no helper. And it has no global constructors.

#include <gtest/gtest.h>

#include <cstdio>
#include <cstring>
#include <set>
#include <sstream>
#include <string>

namespace {

struct DynamicSymbols {
  std::set<std::string> defined;  // "name@@node" / "name@node"
  std::set<std::string> nodes;    // version definitions (nm type A)
};

DynamicSymbols read_dynamic_symbols() {
  const std::string command = std::string(GPUSWAP_NM) +
                              " -D --defined-only --with-symbol-versions '" + GPUSWAP_LIBRARY_PATH +
                              "'";
  FILE* pipe = popen(command.c_str(), "r");
  DynamicSymbols out;
  if (pipe == nullptr) return out;
  char line[1024];
  while (std::fgets(line, sizeof(line), pipe) != nullptr) {
    std::istringstream fields(line);
    std::string address, type, name;
    fields >> address >> type >> name;
    if (type == "A") {
      out.nodes.insert(name);
    } else if (!name.empty()) {
      out.defined.insert(name);
    }
  }
  EXPECT_EQ(pclose(pipe), 0) << command;
  return out;
}

std::set<std::string> expected_symbols() {
  std::set<std::string> out = {"dlsym@@GLIBC_2.34", "dlsym@GLIBC_2.2.5", "dlopen@@GLIBC_2.34",
                               "dlopen@GLIBC_2.2.5"};
#define GPUSWAP_DRIVER_HOOK(name, proto, base, version, variant) \
  out.insert(#name "@@GPUSWAP_DRIVER");
#define GPUSWAP_CUDNN_HOOK(name, proto) out.insert(#name "@@libcudnn.so.9");
#define GPUSWAP_CUBLAS_HOOK(name, proto) out.insert(#name "@@libcublas.so.13");
#include "hooked_symbols.def"
  return out;
}

TEST(ExportedSymbols, AreExactlyTheHookListAndTheDynamicLinkerOverrides) {
  const DynamicSymbols symbols = read_dynamic_symbols();
  const std::set<std::string> expected = expected_symbols();
  for (const std::string& name : expected) {
    EXPECT_TRUE(symbols.defined.count(name)) << "missing export: " << name;
  }
  for (const std::string& name : symbols.defined) {
    EXPECT_TRUE(expected.count(name)) << "unexpected export: " << name;
  }
  EXPECT_GT(expected.size(), 100u);
}

TEST(ExportedSymbols, DefineOnlyTheExpectedVersionNodes) {
  const DynamicSymbols symbols = read_dynamic_symbols();
  const std::set<std::string> nodes = {"GPUSWAP_DRIVER", "libcudnn.so.9", "libcublas.so.13",
                                       "GLIBC_2.2.5", "GLIBC_2.34"};
  EXPECT_EQ(symbols.nodes, nodes);
}

// The shim runs no code at load time: every table is set up lazily. A
// namespace-scope object with a dynamic initialiser would show up as a
// _GLOBAL__sub_I_ function in the (unstripped) symbol table.
TEST(LoadTime, NoGlobalConstructors) {
  const std::string command = std::string(GPUSWAP_NM) + " '" + GPUSWAP_LIBRARY_PATH + "'";
  FILE* pipe = popen(command.c_str(), "r");
  ASSERT_NE(pipe, nullptr);
  char line[1024];
  int symbols = 0;
  while (std::fgets(line, sizeof(line), pipe) != nullptr) {
    ++symbols;
    EXPECT_EQ(std::strstr(line, "_GLOBAL__sub_I"), nullptr) << line;
  }
  EXPECT_EQ(pclose(pipe), 0) << command;
  EXPECT_GT(symbols, 100);  // the symbol table was really read
}

}  // namespace
