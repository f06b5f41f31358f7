#include "gpuswap/runtime/driver_table.h"

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "fake_driver.h"

namespace gpuswap::runtime {
namespace {

// A resolver that knows every name and answers each with its own address
// (never called), recording what it was asked.
struct Recorder {
  std::vector<std::string> asked;
  std::map<std::string, void*> answers;
  char storage[256] = {};
  std::string missing;
};

void* record(const char* name, void* ctx) {
  auto* recorder = static_cast<Recorder*>(ctx);
  recorder->asked.emplace_back(name);
  if (recorder->missing == name) return nullptr;
  void* answer = &recorder->storage[recorder->answers.size()];
  recorder->answers[name] = answer;
  return answer;
}

#define GPUSWAP_TEST_STR2(x) #x
#define GPUSWAP_TEST_STR(x) GPUSWAP_TEST_STR2(x)

TEST(DriverTable, VersionedNamesAreTheOnesCudaHSelects) {
  // cuda.h #defines the API names to the ABI versions it declares; the
  // list's explicit names must agree with that expansion.
#define GPUSWAP_TEST_CHECK_NAME(member, symbol, required) \
  EXPECT_STREQ(GPUSWAP_TEST_STR(member), symbol);
  GPUSWAP_RUNTIME_DRIVER_FUNCTIONS(GPUSWAP_TEST_CHECK_NAME)
#undef GPUSWAP_TEST_CHECK_NAME
}

TEST(DriverTable, EveryEntryIsAskedByItsVersionedNameAndFilled) {
  Recorder recorder;
  DriverTable table;
  const DriverTableLoad load = load_driver_table(table, &record, &recorder);
  EXPECT_TRUE(load.status.is_ok());
  EXPECT_EQ(load.first_missing, nullptr);
  EXPECT_EQ(load.missing_optional, 0);
  int count = 0;
  const DriverSymbol* symbols = driver_symbols(&count);
  ASSERT_EQ(recorder.asked.size(), static_cast<std::size_t>(count));
  for (int i = 0; i < count; ++i)
    EXPECT_EQ(recorder.asked[static_cast<std::size_t>(i)], symbols[i].name);
  EXPECT_EQ(reinterpret_cast<void*>(table.cuMemGetInfo), recorder.answers.at("cuMemGetInfo_v2"));
  EXPECT_EQ(reinterpret_cast<void*>(table.cuStreamDestroy),
            recorder.answers.at("cuStreamDestroy_v2"));
  EXPECT_EQ(reinterpret_cast<void*>(table.cuMemcpyHtoDAsync),
            recorder.answers.at("cuMemcpyHtoDAsync_v2"));
  EXPECT_EQ(reinterpret_cast<void*>(table.cuMemCreate), recorder.answers.at("cuMemCreate"));
}

TEST(DriverTable, MissingRequiredEntryIsNotSupportedAndNamed) {
  Recorder recorder;
  recorder.missing = "cuMemMap";
  DriverTable table;
  const DriverTableLoad load = load_driver_table(table, &record, &recorder);
  EXPECT_EQ(load.status.code(), StatusCode::kNotSupported);
  ASSERT_NE(load.first_missing, nullptr);
  EXPECT_STREQ(load.first_missing, "cuMemMap");
  EXPECT_EQ(table.cuMemMap, nullptr);
  EXPECT_NE(table.cuMemUnmap, nullptr);  // the rest is still filled
}

TEST(DriverTable, MissingOptionalEntryIsCountedNotFatal) {
  Recorder recorder;
  recorder.missing = "cuKernelGetParamInfo";
  DriverTable table;
  const DriverTableLoad load = load_driver_table(table, &record, &recorder);
  EXPECT_TRUE(load.status.is_ok());
  EXPECT_EQ(load.missing_optional, 1);
  EXPECT_EQ(table.cuKernelGetParamInfo, nullptr);
}

TEST(DriverTable, NullResolverIsInvalid) {
  DriverTable table;
  EXPECT_EQ(load_driver_table(table, nullptr, nullptr).status.code(), StatusCode::kInvalidValue);
}

TEST(DriverTable, ErrorNamesComeFromTheDriverWhenItKnowsThem) {
  testing::reset_fake_driver();
  const DriverTable table = testing::fake_driver_table();
  EXPECT_STREQ(driver_error_name(table, CUDA_ERROR_OUT_OF_MEMORY), "CUDA_ERROR_OUT_OF_MEMORY");
  EXPECT_STREQ(driver_error_name(table, CUDA_ERROR_INVALID_HANDLE), "CUDA_ERROR_(unnamed)");
  EXPECT_STREQ(driver_error_name(DriverTable{}, CUDA_SUCCESS), "CUDA_SUCCESS");
}

TEST(Status, MapsToTheCudaErrorsCudaWouldReport) {
  EXPECT_EQ(Status().to_cuda(), CUDA_SUCCESS);
  EXPECT_EQ(Status(StatusCode::kOutOfMemory).to_cuda(), CUDA_ERROR_OUT_OF_MEMORY);
  EXPECT_EQ(Status(StatusCode::kInvalidValue).to_cuda(), CUDA_ERROR_INVALID_VALUE);
  EXPECT_EQ(Status::driver(CUDA_ERROR_ILLEGAL_ADDRESS).to_cuda(), CUDA_ERROR_ILLEGAL_ADDRESS);
  EXPECT_TRUE(Status::driver(CUDA_SUCCESS).is_ok());
  EXPECT_FALSE(Status::driver(CUDA_ERROR_INVALID_HANDLE).is_ok());
  EXPECT_STREQ(status_name(StatusCode::kOutOfMemory), "out-of-memory");
}

}  // namespace
}  // namespace gpuswap::runtime
