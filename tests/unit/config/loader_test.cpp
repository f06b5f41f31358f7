#include "gpuswap/config/loader.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>

#include <unistd.h>

namespace gpuswap::config {
namespace {

constexpr std::uint64_t kMiB = 1ull << 20;
constexpr std::uint64_t kGiB = 1ull << 30;

// The message a malformed text gets, or a failure when it loads.
std::string error_of(std::string_view yaml) {
  const Result<Config> result = load_config_string(yaml, "policy.yaml");
  if (result.ok()) {
    ADD_FAILURE() << "loaded although malformed:\n" << yaml;
    return "";
  }
  return result.error().to_string();
}

TEST(Loader, EmptyTextGivesDefaults) {
  for (const char* empty : {"", "\n", "# only a comment\n", "---\n"}) {
    const Result<Config> result = load_config_string(empty);
    ASSERT_TRUE(result.ok()) << result.error().to_string();
    EXPECT_EQ(result.value(), Config{}) << '"' << empty << '"';
  }
}

TEST(Loader, DefaultsAreTheDocumentedOnes) {
  const Config config;
  EXPECT_FALSE(config.device_budget.has_value());
  EXPECT_FALSE(config.device_reserve.has_value());  // auto
  EXPECT_EQ(config.host_budget, Size::percent(50));
  EXPECT_EQ(config.min_swappable, 2 * kMiB);
  EXPECT_EQ(config.policy, "lru");
  EXPECT_EQ(config.log.level, LogLevel::warn);
  EXPECT_EQ(config.trace.path, "");
  EXPECT_EQ(config.trace.level, TraceLevel::events);
  EXPECT_FALSE(config.trace.enabled());
  EXPECT_TRUE(config.pin.empty());
  EXPECT_FALSE(config.strict);
  EXPECT_FALSE(config.report_memory.has_value());
  EXPECT_TRUE(config.sample_launches);
}

TEST(Loader, ReadsEveryKey) {
  const Result<Config> result = load_config_string(R"(# every key
device_budget: 12GiB
device_reserve: 5%
host_budget: 64GB
min_swappable: 4MiB
policy: lru
log:
  level: debug
trace:
  path: /tmp/run.trace
  level: full
pin:
  - min_size: 1GiB
  - first_index: 0
    last_index: 7
  - min_size: 16MiB
    max_size: 32MiB
    first_index: 100
strict: true
report_memory: 300%
evict_ahead: 10%
sample_launches: false
)");
  ASSERT_TRUE(result.ok()) << result.error().to_string();
  const Config& c = result.value();
  EXPECT_EQ(c.device_budget, Size::bytes(12 * kGiB));
  EXPECT_EQ(c.device_reserve, Size::percent(5));
  EXPECT_EQ(c.host_budget, Size::bytes(64'000'000'000));
  EXPECT_EQ(c.min_swappable, 4 * kMiB);
  EXPECT_EQ(c.policy, "lru");
  EXPECT_EQ(c.log.level, LogLevel::debug);
  EXPECT_EQ(c.trace.path, "/tmp/run.trace");
  EXPECT_EQ(c.trace.level, TraceLevel::full);
  EXPECT_TRUE(c.trace.enabled());
  ASSERT_EQ(c.pin.size(), 3u);
  EXPECT_EQ(c.pin[0], (PinRule{1 * kGiB, std::nullopt, std::nullopt, std::nullopt}));
  EXPECT_EQ(c.pin[1], (PinRule{std::nullopt, std::nullopt, 0, 7}));
  EXPECT_EQ(c.pin[2], (PinRule{16 * kMiB, 32 * kMiB, 100, std::nullopt}));
  EXPECT_TRUE(c.strict);
  EXPECT_EQ(c.report_memory, Size::percent(300));
  EXPECT_EQ(c.evict_ahead, Size::percent(10));
  EXPECT_FALSE(c.sample_launches);
}

TEST(Loader, SectionsLeftEmptyKeepTheirDefaults) {
  const Result<Config> result = load_config_string("log:\ntrace:\n#  path: x.trace\npin:\n");
  ASSERT_TRUE(result.ok()) << result.error().to_string();
  EXPECT_EQ(result.value(), Config{});
}

TEST(Loader, WordsThatSelectTheDeviceFigures) {
  const Result<Config> result = load_config_string("device_budget: auto\nreport_memory: device\n");
  ASSERT_TRUE(result.ok()) << result.error().to_string();
  EXPECT_FALSE(result->device_budget.has_value());
  EXPECT_FALSE(result->report_memory.has_value());
}

TEST(Loader, QuotedAndFlowStyleValuesAreAccepted) {
  const Result<Config> result =
      load_config_string("host_budget: \"8GiB\"\nlog: {level: 'error'}\npin: [{max_size: 1MiB}]\n");
  ASSERT_TRUE(result.ok()) << result.error().to_string();
  EXPECT_EQ(result->host_budget, Size::bytes(8 * kGiB));
  EXPECT_EQ(result->log.level, LogLevel::error);
  ASSERT_EQ(result->pin.size(), 1u);
  EXPECT_EQ(result->pin[0].max_size, kMiB);
}

TEST(Loader, BadSizeNamesFileLineColumnKeyValueAndWhatIsAllowed) {
  EXPECT_EQ(error_of("policy: lru\nstrict: false\nlog:\n  level: info\ndevice_budget: \"12GB!\"\n"),
            "policy.yaml:5:16: device_budget: \"12GB!\" is not a size "
            "(use auto or e.g. 512MiB, 12GiB, 70%)");
  EXPECT_EQ(error_of("host_budget: lots\n"),
            "policy.yaml:1:14: host_budget: \"lots\" is not a size (use e.g. 512MiB, 12GiB, 70%)");
  EXPECT_EQ(error_of("report_memory: all\n"),
            "policy.yaml:1:16: report_memory: \"all\" is not a size "
            "(use device or e.g. 512MiB, 12GiB, 70%)");
}

TEST(Loader, SyntaxErrorCarriesItsLine) {
  const std::string message = error_of("policy: lru\nlog:\n  level: [info\nstrict: true\n");
  EXPECT_EQ(message.rfind("policy.yaml:", 0), 0u) << message;
  EXPECT_NE(message.find("syntax error"), std::string::npos) << message;
  const Result<Config> result =
      load_config_string("policy: lru\n  strict: true: false\n", "policy.yaml");
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().line, 2) << result.error().to_string();
  EXPECT_EQ(result.error().key, "");
  EXPECT_EQ(result.error().to_string(), "policy.yaml:2:9: syntax error: illegal map value");
}

TEST(Loader, UnknownKeysAreErrorsWithSuggestion) {
  EXPECT_EQ(error_of("policy: lru\ndevise_budget: 1GiB\n"),
            "policy.yaml:2:1: devise_budget: unknown key (did you mean device_budget?) (allowed: "
            "device_budget, device_reserve, host_budget, min_swappable, evict_ahead, policy, log, "
            "trace, pin, strict, report_memory, sample_launches)");
  EXPECT_EQ(error_of("log:\n  levle: info\n"),
            "policy.yaml:2:3: log.levle: unknown key (did you mean level?) (allowed: level)");
  EXPECT_EQ(error_of("pin:\n  - min_size: 1GiB\n  - size: 2MiB\n"),
            "policy.yaml:3:5: pin[1].size: unknown key (allowed: min_size, max_size, first_index, "
            "last_index)");
  EXPECT_EQ(error_of("swap_everything: yes\n").find("swap_everything: unknown key (allowed: "),
            std::string("policy.yaml:1:1: ").size());
}

TEST(Loader, DuplicateKeysAreErrors) {
  EXPECT_EQ(error_of("policy: lru\nstrict: true\npolicy: lru\n"),
            "policy.yaml:3:1: policy: duplicate key (first set on line 1)");
}

TEST(Loader, WrongTypesAreErrors) {
  EXPECT_EQ(error_of("strict: yes please\n"),
            "policy.yaml:1:9: strict: \"yes please\" is not a boolean (use true or false)");
  EXPECT_EQ(error_of("sample_launches: sometimes\n"),
            "policy.yaml:1:18: sample_launches: \"sometimes\" is not a boolean (use true or "
            "false)");
  EXPECT_EQ(error_of("log: warn\n"),
            "policy.yaml:1:6: log: expected a mapping with keys level, not \"warn\"");
  EXPECT_EQ(error_of("device_budget: [1GiB, 2GiB]\n"),
            "policy.yaml:1:16: device_budget: expected a single value, not a list");
  EXPECT_EQ(error_of("policy:\n  name: lru\n"),
            "policy.yaml:2:3: policy: expected a single value, not a mapping");
  EXPECT_EQ(error_of("min_swappable:\n"),
            "policy.yaml:1:1: min_swappable: expected a single value, not nothing");
  EXPECT_EQ(error_of("pin: 1GiB\n"),
            "policy.yaml:1:6: pin: expected a list of rules (e.g. - min_size: 1GiB), not \"1GiB\"");
  EXPECT_EQ(error_of("pin:\n  - 1GiB\n"),
            "policy.yaml:2:5: pin[0]: expected a mapping with keys min_size, max_size, "
            "first_index, last_index, not \"1GiB\"");
  EXPECT_EQ(error_of("trace:\n  path: [a, b]\n"),
            "policy.yaml:2:9: trace.path: expected a file path, not a list");
  EXPECT_EQ(error_of("- policy: lru\n"),
            "policy.yaml:1:1: the policy file must be a mapping of keys (e.g. device_budget: "
            "12GiB)");
  EXPECT_EQ(error_of("pin:\n  - {? [a]: 1}\n"),
            "policy.yaml:2:8: pin[0]: keys must be plain words, not a list");
}

TEST(Loader, UnknownEnumValuesListWhatIsAllowed) {
  EXPECT_EQ(error_of("policy: fifo\n"),
            "policy.yaml:1:9: policy: \"fifo\" is not a known policy (allowed: lru)");
  EXPECT_EQ(error_of("log:\n  level: loud\n"),
            "policy.yaml:2:10: log.level: \"loud\" is not a log level (allowed: trace, debug, "
            "info, warn, error, off)");
  EXPECT_EQ(error_of("trace:\n  level: everything\n"),
            "policy.yaml:2:10: trace.level: \"everything\" is not a trace level (allowed: off, "
            "summary, events, full)");
}

TEST(Loader, ZeroNegativeAndOutOfRangeValues) {
  EXPECT_EQ(error_of("device_budget: 0B\n"),
            "policy.yaml:1:16: device_budget: \"0B\" must be greater than zero");
  EXPECT_EQ(error_of("device_budget: 0%\n"),
            "policy.yaml:1:16: device_budget: \"0%\" must be greater than zero");
  EXPECT_EQ(error_of("host_budget: 0\n"),
            "policy.yaml:1:14: host_budget: \"0\" must be greater than zero");
  EXPECT_EQ(error_of("report_memory: 0GiB\n"),
            "policy.yaml:1:16: report_memory: \"0GiB\" must be greater than zero");
  EXPECT_EQ(error_of("device_budget: -1GiB\n"),
            "policy.yaml:1:16: device_budget: \"-1GiB\" is not a size "
            "(use auto or e.g. 512MiB, 12GiB, 70%)");
  EXPECT_EQ(error_of("host_budget: 120%\n"),
            "policy.yaml:1:14: host_budget: \"120%\" is more than 100%");
  EXPECT_EQ(error_of("evict_ahead: 101%\n"),
            "policy.yaml:1:14: evict_ahead: \"101%\" is more than 100%");
  EXPECT_EQ(error_of("evict_ahead: lots\n"),
            "policy.yaml:1:14: evict_ahead: \"lots\" is not a size (use e.g. 512MiB, 12GiB, 70%)");
  EXPECT_EQ(error_of("min_swappable: 5%\n"),
            "policy.yaml:1:16: min_swappable: \"5%\" must be an absolute size (e.g. 2MiB, 512KiB)");
  EXPECT_EQ(error_of("pin:\n  - first_index: -3\n"),
            "policy.yaml:2:18: pin[0].first_index: \"-3\" is not an allocation index "
            "(use a whole number >= 0)");
  // Zero is meaningful for these two: no reserve, and every allocation swappable.
  const Result<Config> zero = load_config_string("device_reserve: 0\nmin_swappable: 0B\n");
  ASSERT_TRUE(zero.ok()) << zero.error().to_string();
  EXPECT_EQ(zero->device_reserve, Size::bytes(0));
  EXPECT_EQ(zero->min_swappable, 0u);
  const Result<Config> automatic =
      load_config_string("device_reserve: 1GiB\ndevice_reserve: auto\n");
  EXPECT_FALSE(automatic.ok());  // a key given twice is a mistake, whatever the values
  const Result<Config> reset = load_config_string("device_reserve: auto\n");
  ASSERT_TRUE(reset.ok()) << reset.error().to_string();
  EXPECT_FALSE(reset->device_reserve.has_value());
  const Result<Config> nonsense = load_config_string("device_reserve: plenty\n");
  ASSERT_FALSE(nonsense.ok());
  EXPECT_NE(nonsense.error().to_string().find("auto"), std::string::npos)
      << nonsense.error().to_string();
}

TEST(Loader, PinRulesThatCannotMatchAreErrors) {
  EXPECT_EQ(error_of("pin:\n  - {}\n"),
            "policy.yaml:2:5: pin[0]: a rule needs at least one of min_size, max_size, "
            "first_index, last_index");
  EXPECT_EQ(error_of("pin:\n  - min_size: 2MiB\n    max_size: 1MiB\n"),
            "policy.yaml:2:5: pin[0]: min_size (2MiB) is larger than max_size (1MiB): the rule "
            "matches nothing");
  EXPECT_EQ(error_of("pin:\n  - first_index: 9\n    last_index: 3\n"),
            "policy.yaml:2:5: pin[0]: first_index (9) is larger than last_index (3): the rule "
            "matches nothing");
  const Result<Config> none = load_config_string("pin:\n");
  ASSERT_TRUE(none.ok()) << none.error().to_string();
  EXPECT_TRUE(none->pin.empty());
}

TEST(Loader, SeveralDocumentsAreAnError) {
  EXPECT_EQ(error_of("policy: lru\n---\npolicy: lru\n"),
            "policy.yaml:2: holds several YAML documents; a policy file is one document");
}

TEST(Loader, StrayCommaIsASyntaxError) {
  // yaml-cpp 0.7 alone would hand out empty documents here without end.
  EXPECT_EQ(error_of(","), "policy.yaml:1:1: syntax error: unexpected \",\"");
  EXPECT_EQ(error_of("\n  ,device_budget: 1GiB\n"),
            "policy.yaml:2:3: syntax error: unexpected \",\"");
}

TEST(Loader, AliasesAreRefused) {
  // Expanding aliases lets a few lines describe an enormous tree.
  EXPECT_EQ(error_of("a: &x [1, 2]\nb: *x\n"),
            "policy.yaml:2:4: aliases (*name) are not supported in a policy file; write the value "
            "out");
  std::string laughs = "l0: &l0 [x, x, x, x, x, x, x, x, x, x]\n";
  for (int i = 1; i < 9; ++i) {
    laughs += "l" + std::to_string(i) + ": &l" + std::to_string(i) + " [";
    for (int j = 0; j < 10; ++j) laughs += (j ? ", *l" : "*l") + std::to_string(i - 1);
    laughs += "]\n";
  }
  EXPECT_EQ(error_of(laughs).find("policy.yaml:2:10: aliases"), 0u) << error_of(laughs);
}

TEST(Loader, ErrorsTellWhetherTheFileAskedForStrictMode) {
  const auto strict_of = [](std::string_view yaml) {
    const Result<Config> result = load_config_string(yaml, "policy.yaml");
    EXPECT_FALSE(result.ok()) << yaml;
    return !result.ok() && result.error().strict;
  };
  EXPECT_TRUE(strict_of("strict: true\ndevice_budget: lots\n"));
  EXPECT_TRUE(strict_of("polcy: lru\nstrict: true\n"));  // the mistake comes first
  EXPECT_FALSE(strict_of("strict: false\ndevice_budget: lots\n"));
  EXPECT_FALSE(strict_of("device_budget: lots\n"));
  EXPECT_FALSE(strict_of("strict: maybe\n"));
  // Not valid YAML: read from the line itself.
  EXPECT_TRUE(strict_of("strict: true  # stop on mistakes\nlog:\n  level: [info\n"));
  EXPECT_TRUE(strict_of("strict : True\r\npin: {\n"));
  EXPECT_FALSE(strict_of("log:\n  level: [info\n  strict: true\n"));  // not top level
  EXPECT_FALSE(strict_of("strict: false\npin: {\n"));
}

TEST(Loader, ArbitraryDamageNeverEscapesAsAnException) {
  const std::string good = R"(device_budget: 12GiB
host_budget: 50%
log: {level: info}
trace:
  path: "a b.trace"
  level: full
pin:
  - min_size: 1GiB
    last_index: 4
strict: true
)";
  const std::string alphabet = ":-[]{}#&*!|>'\"%@`,? \n\t0aZ";
  std::mt19937 random(7);
  int failures = 0;
  for (int round = 0; round < 3000; ++round) {
    std::string text = good;
    const int edits = 1 + static_cast<int>(random() % 4);
    for (int e = 0; e < edits; ++e) {
      const std::size_t at = random() % (text.size() + 1);
      switch (random() % 3) {
        case 0:
          text.insert(at, 1, alphabet[random() % alphabet.size()]);
          break;
        case 1:
          if (at < text.size()) text.erase(at, 1);
          break;
        default:
          text.resize(at);
          break;
      }
    }
    Result<Config> result = Config{};
    ASSERT_NO_THROW(result = load_config_string(text, "policy.yaml")) << text;
    if (!result.ok()) {
      ++failures;
      EXPECT_EQ(result.error().source, "policy.yaml");
      EXPECT_FALSE(result.error().message.empty()) << text;
      EXPECT_GE(result.error().line, 0);
    }
  }
  EXPECT_GT(failures, 300);  // the damage is real, not all absorbed
}

class LoaderFile : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("gpuswap-config-test-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::string write(const std::string& name, const std::string& text) {
    const std::filesystem::path path = dir_ / name;
    std::ofstream(path) << text;
    return path.string();
  }

  std::filesystem::path dir_;
};

TEST_F(LoaderFile, ReadsAFileAndNamesItInErrors) {
  const std::string good = write("good.yaml", "min_swappable: 1MiB\n");
  const Result<Config> loaded = load_config_file(good);
  ASSERT_TRUE(loaded.ok()) << loaded.error().to_string();
  EXPECT_EQ(loaded->min_swappable, kMiB);

  const std::string bad = write("bad.yaml", "\n\nstrict: sometimes\n");
  const Result<Config> failed = load_config_file(bad);
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(failed.error().to_string(),
            bad + ":3:9: strict: \"sometimes\" is not a boolean (use true or false)");
}

TEST_F(LoaderFile, MissingFileAndDirectoryAreErrors) {
  const std::string missing = (dir_ / "missing.yaml").string();
  const Result<Config> result = load_config_file(missing);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().to_string(), missing + ": cannot be opened: No such file or directory");
  const Result<Config> directory = load_config_file(dir_.string());
  ASSERT_FALSE(directory.ok());
  EXPECT_EQ(directory.error().to_string(), dir_.string() + ": is a directory");
}

TEST_F(LoaderFile, EndlessFilesAreRefused) {
  const Result<Config> zero = load_config_file("/dev/zero");
  ASSERT_FALSE(zero.ok());
  EXPECT_EQ(zero.error().to_string(),
            "/dev/zero: is larger than 1MiB; a policy file is a few lines of YAML");
  std::string big = "# padding\n";
  while (big.size() <= (1u << 20)) big += big;
  const Result<Config> large = load_config_file(write("large.yaml", big));
  ASSERT_FALSE(large.ok());
  EXPECT_NE(large.error().message.find("larger than 1MiB"), std::string::npos);
  // Just under the cap still loads.
  const Result<Config> fits = load_config_file(write("fits.yaml", big.substr(0, 1u << 20)));
  EXPECT_TRUE(fits.ok()) << fits.error().to_string();
}

TEST(SamplePolicies, DefaultFileSpellsOutTheDefaults) {
  const Result<Config> result = load_config_file(GPUSWAP_POLICY_EXAMPLES_DIR "/default.yaml");
  ASSERT_TRUE(result.ok()) << result.error().to_string();
  EXPECT_EQ(result.value(), Config{});
}

TEST(SamplePolicies, EverySampleLoads) {
  int count = 0;
  for (const auto& entry : std::filesystem::directory_iterator(GPUSWAP_POLICY_EXAMPLES_DIR)) {
    if (entry.path().extension() != ".yaml") continue;
    const Result<Config> result = load_config_file(entry.path().string());
    EXPECT_TRUE(result.ok()) << result.error().to_string();
    ++count;
  }
  EXPECT_GE(count, 3);
}

}  // namespace
}  // namespace gpuswap::config
