#include <gtest/gtest.h>

#include <cstdint>
#include <string>

#include <dlfcn.h>

namespace {

using Probe = std::int64_t (*)(const char*);

class SharedObject : public ::testing::Test {
 protected:
  void SetUp() override {
    handle_ = ::dlopen(GPUSWAP_CONFIG_PROBE_MODULE, RTLD_NOW | RTLD_LOCAL);
    ASSERT_NE(handle_, nullptr) << ::dlerror();
  }
  void TearDown() override {
    if (handle_ != nullptr) ::dlclose(handle_);
  }
  void* handle_ = nullptr;
};

TEST_F(SharedObject, ConfigLayerWorksInsideASharedObject) {
  const auto probe = reinterpret_cast<Probe>(::dlsym(handle_, "gpuswap_config_probe"));
  ASSERT_NE(probe, nullptr) << ::dlerror();
  EXPECT_EQ(probe("min_swappable: 3MiB\n"), 3 << 20);
  EXPECT_EQ(probe("min_swappable: [\n"), -1);    // yaml-cpp's exception stays inside
  EXPECT_EQ(probe("min_swapable: 3MiB\n"), -1);  // typo
}

TEST_F(SharedObject, ExportsNoYamlCppSymbolOfItsOwn) {
  // Hidden static yaml-cpp: not found at all. Shared yaml-cpp: found, but in
  // libyaml-cpp, never defined by the module itself.
  void* load =
      ::dlsym(handle_, "_ZN4YAML4LoadERKNSt7__cxx1112basic_stringIcSt11char_traitsIcESaIcEEE");
  if (load == nullptr) return;
  Dl_info info{};
  ASSERT_NE(::dladdr(load, &info), 0);
  EXPECT_EQ(std::string(info.dli_fname).find("gpuswap_config_probe"), std::string::npos)
      << info.dli_fname;
}

}  // namespace
