// The record of variant packs kept from cudnnBackendSetAttribute: what a
// successful set stores, what a refused one leaves alone, and that a
// destroyed descriptor is forgotten before its address can be reused.
#include "cudnn_variant_packs.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <thread>
#include <vector>

namespace gpuswap::interpose {
namespace {

template <typename T>
T handle(std::uintptr_t v) {
  return reinterpret_cast<T>(v);
}
void* dev(std::uintptr_t v) {
  return reinterpret_cast<void*>(v);
}
const cudnnBackendDescriptor_t kPack = handle<cudnnBackendDescriptor_t>(0x5000);
const cudnnBackendDescriptor_t kOther = handle<cudnnBackendDescriptor_t>(0x6000);

// What the "real" cuDNN functions below were called with, and answer.
struct RealCalls {
  cudnnStatus_t answer = CUDNN_STATUS_SUCCESS;
  int sets = 0;
  int destroys = 0;
  cudnnBackendDescriptor_t descriptor = nullptr;
  cudnnBackendAttributeName_t name{};
  cudnnBackendAttributeType_t type{};
  std::int64_t count = -1;
  const void* elements = nullptr;
};
RealCalls g_real;

cudnnStatus_t real_set(cudnnBackendDescriptor_t descriptor, cudnnBackendAttributeName_t name,
                       cudnnBackendAttributeType_t type, int64_t count, const void* elements) {
  ++g_real.sets;
  g_real.descriptor = descriptor;
  g_real.name = name;
  g_real.type = type;
  g_real.count = count;
  g_real.elements = elements;
  return g_real.answer;
}

cudnnStatus_t real_destroy(cudnnBackendDescriptor_t descriptor) {
  ++g_real.destroys;
  g_real.descriptor = descriptor;
  return g_real.answer;
}

class CudnnVariantPacksTest : public ::testing::Test {
 protected:
  void SetUp() override { g_real = RealCalls{}; }

  cudnnStatus_t set_pointers(cudnnBackendDescriptor_t pack, const std::vector<void*>& pointers) {
    return packs.set_attribute(&real_set, pack, CUDNN_ATTR_VARIANT_PACK_DATA_POINTERS,
                               CUDNN_TYPE_VOID_PTR, static_cast<std::int64_t>(pointers.size()),
                               pointers.data());
  }
  cudnnStatus_t set_workspace(cudnnBackendDescriptor_t pack, void* workspace) {
    return packs.set_attribute(&real_set, pack, CUDNN_ATTR_VARIANT_PACK_WORKSPACE,
                               CUDNN_TYPE_VOID_PTR, 1, &workspace);
  }
  cudnnStatus_t set_uids(cudnnBackendDescriptor_t pack, const std::vector<std::int64_t>& uids) {
    return packs.set_attribute(&real_set, pack, CUDNN_ATTR_VARIANT_PACK_UNIQUE_IDS,
                               CUDNN_TYPE_INT64, static_cast<std::int64_t>(uids.size()),
                               uids.data());
  }
  // The recorded pointers, or the lookup's answer when it found none.
  CudnnVariantPacks::Lookup find(cudnnBackendDescriptor_t pack, VariantPackView* view) const {
    return packs.find(pack, view);
  }
  static std::vector<void*> pointers_of(const VariantPackView& view) {
    return {view.pointers.begin(), view.pointers.begin() + static_cast<std::ptrdiff_t>(view.count)};
  }

  CudnnVariantPacks packs;
};

TEST_F(CudnnVariantPacksTest, ASuccessfulSetIsPassedOnUnchangedAndRecorded) {
  const std::vector<void*> pointers = {dev(0x1000), nullptr, dev(0x3000)};
  EXPECT_EQ(set_uids(kPack, {1, 2, 3}), CUDNN_STATUS_SUCCESS);
  ASSERT_EQ(set_pointers(kPack, pointers), CUDNN_STATUS_SUCCESS);
  EXPECT_EQ(g_real.descriptor, kPack);
  EXPECT_EQ(g_real.name, CUDNN_ATTR_VARIANT_PACK_DATA_POINTERS);
  EXPECT_EQ(g_real.type, CUDNN_TYPE_VOID_PTR);
  EXPECT_EQ(g_real.count, 3);
  EXPECT_EQ(g_real.elements, pointers.data());
  ASSERT_EQ(set_workspace(kPack, dev(0x9000)), CUDNN_STATUS_SUCCESS);
  EXPECT_EQ(g_real.sets, 3);

  VariantPackView view;
  view.workspace_bytes = 4096;
  ASSERT_EQ(find(kPack, &view), CudnnVariantPacks::Lookup::found);
  EXPECT_EQ(pointers_of(view), pointers);
  EXPECT_EQ(view.workspace, dev(0x9000));
  EXPECT_EQ(view.workspace_bytes, 4096u) << "the size is the plan's: left as it was";
}

TEST_F(CudnnVariantPacksTest, ALaterSetReplacesTheEarlierValue) {
  ASSERT_EQ(set_pointers(kPack, {dev(0x1000), dev(0x2000), dev(0x3000)}), CUDNN_STATUS_SUCCESS);
  ASSERT_EQ(set_workspace(kPack, dev(0x9000)), CUDNN_STATUS_SUCCESS);
  ASSERT_EQ(set_pointers(kPack, {dev(0x4000)}), CUDNN_STATUS_SUCCESS);
  ASSERT_EQ(set_workspace(kPack, nullptr), CUDNN_STATUS_SUCCESS);
  VariantPackView view;
  ASSERT_EQ(find(kPack, &view), CudnnVariantPacks::Lookup::found);
  EXPECT_EQ(pointers_of(view), std::vector<void*>{dev(0x4000)});
  EXPECT_EQ(view.workspace, nullptr);
}

TEST_F(CudnnVariantPacksTest, PacksAreKeptApart) {
  ASSERT_EQ(set_pointers(kPack, {dev(0x1000)}), CUDNN_STATUS_SUCCESS);
  ASSERT_EQ(set_pointers(kOther, {dev(0x2000), dev(0x3000)}), CUDNN_STATUS_SUCCESS);
  VariantPackView view;
  ASSERT_EQ(find(kPack, &view), CudnnVariantPacks::Lookup::found);
  EXPECT_EQ(pointers_of(view), std::vector<void*>{dev(0x1000)});
  ASSERT_EQ(find(kOther, &view), CudnnVariantPacks::Lookup::found);
  EXPECT_EQ(pointers_of(view), (std::vector<void*>{dev(0x2000), dev(0x3000)}));
}

TEST_F(CudnnVariantPacksTest, ARefusedSetLeavesTheRecordAsItWas) {
  ASSERT_EQ(set_pointers(kPack, {dev(0x1000), dev(0x2000)}), CUDNN_STATUS_SUCCESS);
  ASSERT_EQ(set_workspace(kPack, dev(0x9000)), CUDNN_STATUS_SUCCESS);
  // Finalized packs refuse further sets (NOT_INITIALIZED); the status is cuDNN's, as it is.
  g_real.answer = CUDNN_STATUS_NOT_INITIALIZED;
  EXPECT_EQ(set_pointers(kPack, {dev(0x7000)}), CUDNN_STATUS_NOT_INITIALIZED);
  EXPECT_EQ(set_workspace(kPack, dev(0x8000)), CUDNN_STATUS_NOT_INITIALIZED);
  EXPECT_EQ(g_real.sets, 4) << "the real set is always made";
  VariantPackView view;
  ASSERT_EQ(find(kPack, &view), CudnnVariantPacks::Lookup::found);
  EXPECT_EQ(pointers_of(view), (std::vector<void*>{dev(0x1000), dev(0x2000)}));
  EXPECT_EQ(view.workspace, dev(0x9000));

  // A descriptor whose only set was refused stays unknown.
  g_real.answer = CUDNN_STATUS_BAD_PARAM;
  EXPECT_EQ(set_pointers(kOther, {dev(0x7000)}), CUDNN_STATUS_BAD_PARAM);
  EXPECT_EQ(find(kOther, &view), CudnnVariantPacks::Lookup::unknown);
}

TEST_F(CudnnVariantPacksTest, AnUnknownDescriptorIsNotFoundAndTheViewIsUntouched) {
  ASSERT_EQ(set_pointers(kPack, {dev(0x1000)}), CUDNN_STATUS_SUCCESS);
  VariantPackView view;
  view.count = 7;
  EXPECT_EQ(find(kOther, &view), CudnnVariantPacks::Lookup::unknown);
  EXPECT_EQ(view.count, 7u);
  EXPECT_EQ(find(nullptr, &view), CudnnVariantPacks::Lookup::unknown);
}

TEST_F(CudnnVariantPacksTest, AttributesOfOtherDescriptorsAreNotRecorded) {
  const std::int64_t uid = 4;
  void* pointer = dev(0x1000);
  EXPECT_EQ(
      packs.set_attribute(&real_set, kPack, CUDNN_ATTR_TENSOR_UNIQUE_ID, CUDNN_TYPE_INT64, 1, &uid),
      CUDNN_STATUS_SUCCESS);
  EXPECT_EQ(packs.set_attribute(&real_set, kPack, CUDNN_ATTR_OPERATIONGRAPH_HANDLE,
                                CUDNN_TYPE_HANDLE, 1, &pointer),
            CUDNN_STATUS_SUCCESS);
  EXPECT_EQ(g_real.sets, 2);
  VariantPackView view;
  EXPECT_EQ(find(kPack, &view), CudnnVariantPacks::Lookup::unknown);
}

TEST_F(CudnnVariantPacksTest, APackWithoutDataPointersIsLeftToCudnn) {
  ASSERT_EQ(set_uids(kPack, {}), CUDNN_STATUS_SUCCESS);
  ASSERT_EQ(set_workspace(kPack, dev(0x9000)), CUDNN_STATUS_SUCCESS);
  VariantPackView view;
  EXPECT_EQ(find(kPack, &view), CudnnVariantPacks::Lookup::unknown);
  // An empty list is a list: the pack is then known, with the workspace alone.
  ASSERT_EQ(packs.set_attribute(&real_set, kPack, CUDNN_ATTR_VARIANT_PACK_DATA_POINTERS,
                                CUDNN_TYPE_VOID_PTR, 0, nullptr),
            CUDNN_STATUS_SUCCESS);
  ASSERT_EQ(find(kPack, &view), CudnnVariantPacks::Lookup::found);
  EXPECT_EQ(view.count, 0u);
  EXPECT_EQ(view.workspace, dev(0x9000));
}

TEST_F(CudnnVariantPacksTest, AnEncodingTheShimCannotReadMakesThePackUnknown) {
  ASSERT_EQ(set_pointers(kPack, {dev(0x1000)}), CUDNN_STATUS_SUCCESS);
  // Accepted by this "cuDNN", but not one void* per element: better unknown than half known.
  const std::int64_t words[2] = {0x2000, 0x3000};
  ASSERT_EQ(packs.set_attribute(&real_set, kPack, CUDNN_ATTR_VARIANT_PACK_WORKSPACE,
                                CUDNN_TYPE_INT64, 2, words),
            CUDNN_STATUS_SUCCESS);
  ASSERT_EQ(set_pointers(kPack, {dev(0x4000)}), CUDNN_STATUS_SUCCESS);
  VariantPackView view;
  EXPECT_EQ(find(kPack, &view), CudnnVariantPacks::Lookup::unknown);
}

TEST_F(CudnnVariantPacksTest, MorePointersThanAViewHoldsAreReportedAsSuch) {
  std::vector<void*> many;
  for (std::uintptr_t i = 1; i <= VariantPackView::kMaxPointers + 1; ++i) {
    many.push_back(dev(0x1000 * i));
  }
  ASSERT_EQ(set_pointers(kPack, many), CUDNN_STATUS_SUCCESS);
  VariantPackView view;
  EXPECT_EQ(find(kPack, &view), CudnnVariantPacks::Lookup::too_many);
  many.pop_back();
  ASSERT_EQ(set_pointers(kPack, many), CUDNN_STATUS_SUCCESS);
  ASSERT_EQ(find(kPack, &view), CudnnVariantPacks::Lookup::found);
  EXPECT_EQ(pointers_of(view), many);
}

TEST_F(CudnnVariantPacksTest, DestroyForgetsThePackBeforeItsAddressIsReused) {
  ASSERT_EQ(set_pointers(kPack, {dev(0x1000), dev(0x2000)}), CUDNN_STATUS_SUCCESS);
  ASSERT_EQ(set_workspace(kPack, dev(0x9000)), CUDNN_STATUS_SUCCESS);
  ASSERT_EQ(set_pointers(kOther, {dev(0x5000)}), CUDNN_STATUS_SUCCESS);
  EXPECT_EQ(packs.destroy(&real_destroy, kPack), CUDNN_STATUS_SUCCESS);
  EXPECT_EQ(g_real.destroys, 1);
  EXPECT_EQ(g_real.descriptor, kPack);
  VariantPackView view;
  EXPECT_EQ(find(kPack, &view), CudnnVariantPacks::Lookup::unknown);
  ASSERT_EQ(find(kOther, &view), CudnnVariantPacks::Lookup::found) << "other packs stay";

  // A new pack at the same address sees none of the old one's values.
  ASSERT_EQ(set_pointers(kPack, {dev(0x3000)}), CUDNN_STATUS_SUCCESS);
  VariantPackView fresh;
  ASSERT_EQ(find(kPack, &fresh), CudnnVariantPacks::Lookup::found);
  EXPECT_EQ(pointers_of(fresh), std::vector<void*>{dev(0x3000)});
  EXPECT_EQ(fresh.workspace, nullptr);
}

TEST_F(CudnnVariantPacksTest, DestroyReturnsCudnnsStatus) {
  g_real.answer = CUDNN_STATUS_BAD_PARAM;
  EXPECT_EQ(packs.destroy(&real_destroy, kOther), CUDNN_STATUS_BAD_PARAM);
  EXPECT_EQ(g_real.destroys, 1);
}

// Packs are built on many threads at once (one per stream in PyTorch).
TEST_F(CudnnVariantPacksTest, ThreadsBuildingTheirOwnPacksDoNotMixThem) {
  constexpr int kThreads = 4;
  constexpr int kRounds = 500;
  std::vector<std::thread> threads;
  std::vector<int> mismatches(kThreads, 0);
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      const auto pack = handle<cudnnBackendDescriptor_t>(0x10000 * (t + 1));
      for (int round = 0; round < kRounds; ++round) {
        void* pointers[2] = {dev(0x100000 * (t + 1) + round), dev(0x200000 * (t + 1) + round)};
        // Through the record only: the shared fake would race on its own counters.
        packs.set_attribute(
            [](cudnnBackendDescriptor_t, cudnnBackendAttributeName_t, cudnnBackendAttributeType_t,
               int64_t, const void*) { return CUDNN_STATUS_SUCCESS; },
            pack, CUDNN_ATTR_VARIANT_PACK_DATA_POINTERS, CUDNN_TYPE_VOID_PTR, 2, pointers);
        VariantPackView view;
        if (packs.find(pack, &view) != CudnnVariantPacks::Lookup::found || view.count != 2 ||
            view.pointers[0] != pointers[0] || view.pointers[1] != pointers[1]) {
          ++mismatches[t];
        }
        packs.destroy([](cudnnBackendDescriptor_t) { return CUDNN_STATUS_SUCCESS; }, pack);
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(mismatches, std::vector<int>(kThreads, 0));
}

}  // namespace
}  // namespace gpuswap::interpose
