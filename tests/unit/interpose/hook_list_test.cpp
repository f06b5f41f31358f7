// Consistency of hooked_symbols.def: the list every table is generated from.
#include <gtest/gtest.h>

#include <set>
#include <string>
#include <tuple>

#include "hook_id.h"

namespace gpuswap::interpose {
namespace {

bool ends_with(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size() && text.substr(text.size() - suffix.size()) == suffix;
}

TEST(HookList, NamesAreUniqueAndIdsIndexTheTable) {
  std::set<std::string_view> names;
  for (std::size_t i = 0; i < kHookCount; ++i) {
    EXPECT_TRUE(names.insert(kHooks[i].name).second) << kHooks[i].name;
    EXPECT_EQ(&info(static_cast<HookId>(i)), &kHooks[i]);
  }
  EXPECT_EQ(info(HookId::cuMemAlloc_v2).name, "cuMemAlloc_v2");
  EXPECT_EQ(info(HookId::cublasGemmEx).library, Library::cublas);
}

TEST(HookList, PerThreadVariantsAreNamedAndPairedWithTheirDefaultStreamForm) {
  for (const HookInfo& hook : kHooks) {
    if (hook.library != Library::driver) continue;
    EXPECT_TRUE(hook.name.starts_with(hook.base)) << hook.name;
    EXPECT_EQ(hook.variant == Variant::ptds, ends_with(hook.name, "_ptds")) << hook.name;
    EXPECT_EQ(hook.variant == Variant::ptsz, ends_with(hook.name, "_ptsz")) << hook.name;
    if (hook.variant != Variant::ptds && hook.variant != Variant::ptsz) continue;
    const std::string_view twin = hook.name.substr(0, hook.name.size() - 5);
    bool found = false;
    for (const HookInfo& other : kHooks) {
      if (other.name == twin) {
        found = true;
        EXPECT_EQ(other.variant, Variant::legacy) << twin;
        EXPECT_EQ(other.base, hook.base) << twin;
      }
    }
    EXPECT_TRUE(found) << hook.name << " has no default-stream form in the list";
  }
}

TEST(HookList, EachRequestMapsToOneHook) {
  // (base, version, per-thread) identifies what cuGetProcAddress answers.
  std::set<std::tuple<std::string_view, int, bool>> requests;
  for (const HookInfo& hook : kHooks) {
    if (hook.library != Library::driver) continue;
    const bool per_thread = hook.variant == Variant::ptds || hook.variant == Variant::ptsz;
    EXPECT_TRUE(requests.emplace(hook.base, hook.version, per_thread).second) << hook.name;
    EXPECT_GE(hook.version, 2000) << hook.name;
  }
}

TEST(HookList, LibraryHooksAreCudnnOrCublasNames) {
  for (const HookInfo& hook : kHooks) {
    switch (hook.library) {
      case Library::cudnn:
        EXPECT_TRUE(hook.name.starts_with("cudnn")) << hook.name;
        break;
      case Library::cublas:
        EXPECT_TRUE(hook.name.starts_with("cublas")) << hook.name;
        break;
      case Library::driver:
        // What the dlsym override routes: "cu" and a capital.
        EXPECT_TRUE(hook.name.size() > 2 && hook.name[2] >= 'A' && hook.name[2] <= 'Z')
            << hook.name;
        break;
    }
  }
}

}  // namespace
}  // namespace gpuswap::interpose
