// The policy file read through libgpuswap_yaml.so, as the preloaded library
// reads it. This executable links the config layer without yaml-cpp, so
// every YAML answer here comes from the module.
#include "gpuswap/config/yaml_module.h"

#include <dlfcn.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>
#include <vector>

#include "gpuswap/config/library_directory.h"
#include "gpuswap/config/yaml_module_abi.h"

namespace gpuswap::config {
namespace {

namespace fs = std::filesystem;

constexpr std::uint64_t kMiB = 1ull << 20;

DynamicLinker glibc_linker() {
  return DynamicLinker{&::dlopen, &::dlsym, &::dlclose, &::dlerror};
}

bool loaded(const char* soname) {
  void* handle = ::dlopen(soname, RTLD_NOW | RTLD_NOLOAD);
  if (handle == nullptr) return false;
  ::dlclose(handle);
  return true;
}

class YamlModule : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("gpuswap-yaml-module-" + std::to_string(::getpid()));
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string write(const std::string& name, const std::string& text) {
    const fs::path path = dir_ / name;
    std::ofstream(path) << text;
    return path.string();
  }

  Result<Config> load(const std::string& path, const std::string& module = GPUSWAP_YAML_MODULE) {
    return load_config_file_with_module(path, module, glibc_linker());
  }

  fs::path dir_;
};

TEST_F(YamlModule, AValidFileTakesEffect) {
  const std::string path = write("good.yaml",
                                 "device_budget: 70%\n"
                                 "device_reserve: 0\n"
                                 "min_swappable: 3MiB\n"
                                 "log: {level: debug}\n"
                                 "trace:\n  path: run.trace\n  level: full\n"
                                 "pin:\n  - min_size: 1GiB\n  - first_index: 2\n    last_index: 4\n"
                                 "report_memory: 200%\n");
  const Result<Config> result = load(path);
  ASSERT_TRUE(result.ok()) << result.error().to_string();
  Config expected;
  expected.device_budget = Size::percent(70);
  expected.device_reserve = Size::bytes(0);
  expected.min_swappable = 3 * kMiB;
  expected.log.level = LogLevel::debug;
  expected.trace = TraceConfig{"run.trace", TraceLevel::full};
  expected.pin = {PinRule{1ull << 30, {}, {}, {}}, PinRule{{}, {}, 2, 4}};
  expected.report_memory = Size::percent(200);
  EXPECT_EQ(result.value(), expected);
}

TEST_F(YamlModule, AnEmptyFileMeansTheDefaults) {
  const Result<Config> result = load(write("empty.yaml", "# nothing\n"));
  ASSERT_TRUE(result.ok()) << result.error().to_string();
  EXPECT_EQ(result.value(), Config{});
}

TEST_F(YamlModule, MistakesComeBackWithTheirPosition) {
  const std::string bad = write("bad.yaml", "policy: lru\ndevice_budget: 12GB!\n");
  const Result<Config> result = load(bad);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().to_string(),
            bad +
                ":2:16: device_budget: \"12GB!\" is not a size (use auto or e.g. 512MiB, "
                "12GiB, 70%)");
  EXPECT_FALSE(result.error().strict);

  const std::string strict = write("strict.yaml", "strict: true\npolicy: fifo\n");
  const Result<Config> stops = load(strict);
  ASSERT_FALSE(stops.ok());
  EXPECT_EQ(stops.error().key, "policy");
  EXPECT_EQ(stops.error().line, 2);
  EXPECT_TRUE(stops.error().strict);

  // yaml-cpp's exception stays inside the module.
  const std::string syntax = write("syntax.yaml", "min_swappable: [\n");
  const Result<Config> broken = load(syntax);
  ASSERT_FALSE(broken.ok());
  EXPECT_NE(broken.error().message.find("syntax error"), std::string::npos)
      << broken.error().to_string();
}

TEST_F(YamlModule, AMissingModuleIsNamedAndReadLikeAMalformedFile) {
  const std::string module = (dir_ / "nowhere" / kYamlModuleFileName).string();
  const std::string path = write("policy.yaml", "device_reserve: 0\n");
  const Result<Config> result = load(path, module);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().source, path);
  EXPECT_EQ(result.error().message, "cannot be read without the YAML module " + module +
                                        ": cannot open shared object file: No such file or "
                                        "directory");
  EXPECT_FALSE(result.error().strict);

  // Without the parser, strict is read off a top-level line.
  const std::string strict = write("strict.yaml", "device_reserve: 0\nstrict: true  # stop\n");
  const Result<Config> stops = load(strict, module);
  ASSERT_FALSE(stops.ok());
  EXPECT_TRUE(stops.error().strict);
  const std::string nested = write("nested.yaml", "log:\n  strict: true\n");
  EXPECT_FALSE(load(nested, module).error().strict);
}

// What the fakes below saw.
struct Seen {
  int opens = 0;
  int closes = 0;
  int mode = 0;
  std::string file;
};
Seen g_seen;

void* counting_open(const char* file, int mode) {
  ++g_seen.opens;
  g_seen.mode = mode;
  g_seen.file = file;
  return ::dlopen(file, mode);
}
int counting_close(void* handle) {
  ++g_seen.closes;
  return ::dlclose(handle);
}

TEST_F(YamlModule, AMissingFileNeedsNoModule) {
  g_seen = {};
  const DynamicLinker linker{&counting_open, &::dlsym, &counting_close, &::dlerror};
  const std::string missing = (dir_ / "missing.yaml").string();
  const Result<Config> result = load_config_file_with_module(missing, GPUSWAP_YAML_MODULE, linker);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().to_string(), missing + ": cannot be opened: No such file or directory");
  EXPECT_EQ(g_seen.opens, 0);
}

TEST_F(YamlModule, IsLoadedLocallyForTheParseAndUnloadedAfter) {
  g_seen = {};
  const DynamicLinker linker{&counting_open, &::dlsym, &counting_close, &::dlerror};
  ASSERT_FALSE(loaded(GPUSWAP_YAML_MODULE));
  const Result<Config> result = load_config_file_with_module(
      write("p.yaml", "min_swappable: 5MiB\n"), GPUSWAP_YAML_MODULE, linker);
  ASSERT_TRUE(result.ok()) << result.error().to_string();
  EXPECT_EQ(result->min_swappable, 5 * kMiB);
  EXPECT_EQ(g_seen.opens, 1);
  EXPECT_EQ(g_seen.closes, 1);
  EXPECT_EQ(g_seen.file, GPUSWAP_YAML_MODULE);
  EXPECT_EQ(g_seen.mode & RTLD_GLOBAL, 0);
  EXPECT_EQ(g_seen.mode & RTLD_NOW, RTLD_NOW);
  EXPECT_FALSE(loaded(GPUSWAP_YAML_MODULE));
  EXPECT_EQ(::dlsym(RTLD_DEFAULT, kYamlModuleEntryName), nullptr);
}

TEST_F(YamlModule, TheEntryPointIsNotInTheGlobalScopeWhileLoaded) {
  void* module = ::dlopen(GPUSWAP_YAML_MODULE, RTLD_NOW | RTLD_LOCAL);
  ASSERT_NE(module, nullptr) << ::dlerror();
  EXPECT_NE(::dlsym(module, kYamlModuleEntryName), nullptr);
  EXPECT_EQ(::dlsym(RTLD_DEFAULT, kYamlModuleEntryName), nullptr);
  // yaml-cpp's parser, whichever way the module carries it.
  EXPECT_EQ(::dlsym(RTLD_DEFAULT, "_ZN4YAML6ParserC1ERSi"), nullptr);
  ::dlclose(module);
}

TEST_F(YamlModule, TheRealModuleRefusesAnotherInterfaceVersion) {
  void* module = ::dlopen(GPUSWAP_YAML_MODULE, RTLD_NOW | RTLD_LOCAL);
  ASSERT_NE(module, nullptr) << ::dlerror();
  const auto entry = reinterpret_cast<YamlModuleEntry>(::dlsym(module, kYamlModuleEntryName));
  ASSERT_NE(entry, nullptr);
  const std::string text = "min_swappable: 7MiB\n";
  Config config;
  Error error;
  YamlModuleCall call;
  call.text = text.data();
  call.text_size = text.size();
  call.source = "p.yaml";
  call.config = &config;
  call.error = &error;

  EXPECT_EQ(entry(kYamlModuleVersion + 1, &call),
            static_cast<int>(YamlModuleStatus::wrong_version));
  call.config_size += 8;  // a Config of another layout
  EXPECT_EQ(entry(kYamlModuleVersion, &call), static_cast<int>(YamlModuleStatus::wrong_version));
  EXPECT_EQ(config, Config{});  // nothing touched
  call.config_size = sizeof(Config);
  call.error_size = 1;
  EXPECT_EQ(entry(kYamlModuleVersion, &call), static_cast<int>(YamlModuleStatus::wrong_version));
  EXPECT_EQ(config, Config{});
  call.error_size = sizeof(Error);

  ASSERT_EQ(entry(kYamlModuleVersion, &call), static_cast<int>(YamlModuleStatus::parsed));
  EXPECT_EQ(config.min_swappable, 7 * kMiB);
  ::dlclose(module);
}

// A module of another gpuswap, as the caller sees it.
int other_version_entry(std::uint32_t, YamlModuleCall*) noexcept {
  return static_cast<int>(YamlModuleStatus::wrong_version);
}
int failing_entry(std::uint32_t, YamlModuleCall*) noexcept {
  return static_cast<int>(YamlModuleStatus::failed);
}
YamlModuleEntry g_fake_entry = nullptr;
int g_fake_handle = 0;

void* fake_open(const char*, int) {
  return &g_fake_handle;
}
void* fake_symbol(void*, const char* name) {
  if (std::string(name) != kYamlModuleEntryName || g_fake_entry == nullptr) return nullptr;
  return reinterpret_cast<void*>(g_fake_entry);
}
int fake_close(void*) {
  return 0;
}

void* failing_open(const char*, int) {
  return nullptr;
}
char* missing_dependency_error() {
  static char message[] = "libyaml-cpp.so.0.7: cannot open shared object file: No such file";
  return message;
}

TEST_F(YamlModule, AModuleWhoseDependencyIsMissingIsNamedWithIt) {
  const DynamicLinker linker{&failing_open, &fake_symbol, &fake_close, &missing_dependency_error};
  const std::string path = write("policy.yaml", "min_swappable: 1MiB\n");
  const Result<Config> result =
      load_config_file_with_module(path, "/opt/x/libgpuswap_yaml.so", linker);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().to_string(),
            path +
                ": cannot be read without the YAML module /opt/x/libgpuswap_yaml.so: "
                "libyaml-cpp.so.0.7: cannot open shared object file: No such file");
  EXPECT_FALSE(result.error().strict);
}

TEST_F(YamlModule, AMismatchedOrForeignModuleIsRefusedClearly) {
  const DynamicLinker linker{&fake_open, &fake_symbol, &fake_close, &::dlerror};
  const std::string path = write("policy.yaml", "strict: true\n");
  const std::string module = "/opt/x/libgpuswap_yaml.so";

  g_fake_entry = &other_version_entry;
  const Result<Config> mismatch = load_config_file_with_module(path, module, linker);
  ASSERT_FALSE(mismatch.ok());
  EXPECT_EQ(mismatch.error().to_string(),
            path + ": cannot be read without the YAML module " + module +
                ": it was built for another gpuswap (interface version " +
                std::to_string(kYamlModuleVersion) +
                " expected); install the one built with this libgpuswap.so");
  EXPECT_TRUE(mismatch.error().strict);

  g_fake_entry = nullptr;
  const Result<Config> foreign = load_config_file_with_module(path, module, linker);
  ASSERT_FALSE(foreign.ok());
  EXPECT_NE(foreign.error().message.find(module + ": it has no gpuswap_yaml_parse"),
            std::string::npos)
      << foreign.error().message;

  g_fake_entry = &failing_entry;
  const Result<Config> failed = load_config_file_with_module(path, module, linker);
  ASSERT_FALSE(failed.ok());
  EXPECT_NE(failed.error().message.find(module + ": it failed (out of memory)"), std::string::npos)
      << failed.error().message;
  g_fake_entry = nullptr;
}

std::set<std::string> defined_dynamic_symbols(const std::string& file) {
  const std::string command = std::string(GPUSWAP_NM) + " -D --defined-only '" + file + "'";
  FILE* pipe = ::popen(command.c_str(), "r");
  std::set<std::string> names;
  if (pipe == nullptr) return names;
  char line[1024];
  while (std::fgets(line, sizeof(line), pipe) != nullptr) {
    char address[64];
    char type[8];
    char name[960];
    if (std::sscanf(line, "%63s %7s %959s", address, type, name) == 3) names.insert(name);
  }
  EXPECT_EQ(::pclose(pipe), 0) << command;
  return names;
}

TEST(YamlModuleFile, ExportsItsEntryPointAndNothingElse) {
  EXPECT_EQ(defined_dynamic_symbols(GPUSWAP_YAML_MODULE),
            std::set<std::string>{kYamlModuleEntryName});
}

TEST(YamlModuleFile, PathIsTheModuleNameInTheDirectory) {
  EXPECT_EQ(yaml_module_path("/usr/lib/gpuswap"), "/usr/lib/gpuswap/libgpuswap_yaml.so");
  EXPECT_EQ(yaml_module_path("/usr/lib/gpuswap/"), "/usr/lib/gpuswap/libgpuswap_yaml.so");
  EXPECT_EQ(yaml_module_path("/"), "/libgpuswap_yaml.so");
}

void a_function_of_this_executable() {}

TEST(LibraryDirectory, IsTheAbsoluteDirectoryOfTheObject) {
  const fs::path executable = fs::canonical("/proc/self/exe");
  EXPECT_EQ(fs::canonical(
                library_directory(reinterpret_cast<const void*>(&a_function_of_this_executable))),
            executable.parent_path());

  void* module = ::dlopen(GPUSWAP_YAML_MODULE, RTLD_NOW | RTLD_LOCAL);
  ASSERT_NE(module, nullptr) << ::dlerror();
  const void* entry = ::dlsym(module, kYamlModuleEntryName);
  EXPECT_EQ(fs::canonical(library_directory(entry)),
            fs::canonical(GPUSWAP_YAML_MODULE).parent_path());
  ::dlclose(module);
}

// A library loaded by a relative name (LD_PRELOAD=./libgpuswap.so) still
// finds its directory after the program changed its working directory.
TEST(LibraryDirectory, SurvivesARelativeLoadAndAChangeOfDirectory) {
  const fs::path start = fs::current_path();
  const fs::path module_file = fs::canonical(GPUSWAP_YAML_MODULE);
  fs::current_path(module_file.parent_path());
  void* module = ::dlopen(("./" + module_file.filename().string()).c_str(), RTLD_NOW | RTLD_LOCAL);
  fs::current_path("/");
  ASSERT_NE(module, nullptr) << ::dlerror();
  const void* entry = ::dlsym(module, kYamlModuleEntryName);
  Dl_info info{};
  ASSERT_NE(::dladdr(entry, &info), 0);
  EXPECT_NE(info.dli_fname[0], '/') << "the dynamic linker kept the relative name";
  EXPECT_EQ(library_directory(entry), module_file.parent_path().string());
  ::dlclose(module);
  fs::current_path(start);
}

TEST(LibraryDirectory, UnmappedAddressHasNone) {
  EXPECT_EQ(library_directory(reinterpret_cast<const void*>(std::uintptr_t{16})), "");
}

}  // namespace
}  // namespace gpuswap::config
