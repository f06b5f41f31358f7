#include <cstdio>
#include <cstring>
#include <string>
#include <thread>

#include "runtime_test_support.h"

namespace cudasim_test {
namespace {

class DeviceTest : public RuntimeTest {};

// The tests run with CUDASIM_DEVICES=2 and CUDASIM_DEVICE_MEMORY=64MiB.
constexpr size_t kDeviceMemory = size_t{64} << 20;

TEST_F(DeviceTest, CountsTheDriversDevices) {
  int count = -1;
  ASSERT_EQ(cudaGetDeviceCount(&count), cudaSuccess);
  int driver_count = -1;
  ASSERT_EQ(DRIVER_FN(cuDeviceGetCount)(&driver_count), CUDA_SUCCESS);
  EXPECT_EQ(count, 2);
  EXPECT_EQ(count, driver_count);
  EXPECT_EQ(cudaGetDeviceCount(nullptr), cudaErrorInvalidValue);
}

TEST_F(DeviceTest, ReportsRuntimeAndDriverVersions) {
  int runtime = 0;
  int driver = 0;
  ASSERT_EQ(cudaRuntimeGetVersion(&runtime), cudaSuccess);
  ASSERT_EQ(cudaDriverGetVersion(&driver), cudaSuccess);
  EXPECT_EQ(runtime, 13000);
  EXPECT_EQ(driver, 13000);
}

TEST_F(DeviceTest, PropertiesAreTheDriversAttributes) {
  for (int ordinal = 0; ordinal < 2; ++ordinal) {
    cudaDeviceProp prop;
    ASSERT_EQ(cudaGetDeviceProperties(&prop, ordinal), cudaSuccess);
    CUdevice device = 0;
    ASSERT_EQ(DRIVER_FN(cuDeviceGet)(&device, ordinal), CUDA_SUCCESS);

    char name[256] = {};
    ASSERT_EQ(DRIVER_FN(cuDeviceGetName)(name, sizeof(name), device), CUDA_SUCCESS);
    EXPECT_STREQ(prop.name, name);
    EXPECT_GT(std::strlen(prop.name), 0u);
    EXPECT_EQ(prop.totalGlobalMem, kDeviceMemory);

    CUuuid uuid{};
    ASSERT_EQ(DRIVER_FN(cuDeviceGetUuid)(&uuid, device), CUDA_SUCCESS);
    EXPECT_EQ(std::memcmp(prop.uuid.bytes, uuid.bytes, sizeof(uuid.bytes)), 0);

    int major = 0;
    int minor = 0;
    int sms = 0;
    ASSERT_EQ(cudaDeviceGetAttribute(&major, cudaDevAttrComputeCapabilityMajor, ordinal),
              cudaSuccess);
    ASSERT_EQ(cudaDeviceGetAttribute(&minor, cudaDevAttrComputeCapabilityMinor, ordinal),
              cudaSuccess);
    ASSERT_EQ(cudaDeviceGetAttribute(&sms, cudaDevAttrMultiProcessorCount, ordinal), cudaSuccess);
    EXPECT_EQ(prop.major, major);
    EXPECT_EQ(prop.minor, minor);
    EXPECT_GT(prop.major, 0);
    EXPECT_EQ(prop.multiProcessorCount, sms);
    EXPECT_GT(prop.multiProcessorCount, 0);

    // The PCI location matches the driver's bus id string (domain:bus:device.function).
    char bus_id[32] = {};
    ASSERT_EQ(DRIVER_FN(cuDeviceGetPCIBusId)(bus_id, sizeof(bus_id), device), CUDA_SUCCESS);
    unsigned domain = 0, bus = 0, dev = 0, function = 0;
    ASSERT_EQ(std::sscanf(bus_id, "%x:%x:%x.%x", &domain, &bus, &dev, &function), 4) << bus_id;
    EXPECT_EQ(static_cast<unsigned>(prop.pciDomainID), domain);
    EXPECT_EQ(static_cast<unsigned>(prop.pciBusID), bus);
    EXPECT_EQ(static_cast<unsigned>(prop.pciDeviceID), dev);

    int max_threads = 0;
    ASSERT_EQ(cudaDeviceGetAttribute(&max_threads, cudaDevAttrMaxThreadsPerBlock, ordinal),
              cudaSuccess);
    EXPECT_EQ(prop.maxThreadsPerBlock, max_threads);
  }
  cudaDeviceProp first;
  cudaDeviceProp second;
  ASSERT_EQ(cudaGetDeviceProperties(&first, 0), cudaSuccess);
  ASSERT_EQ(cudaGetDeviceProperties(&second, 1), cudaSuccess);
  EXPECT_NE(std::memcmp(first.uuid.bytes, second.uuid.bytes, sizeof(first.uuid.bytes)), 0);
  EXPECT_NE(first.pciBusID * 256 + first.pciDeviceID, second.pciBusID * 256 + second.pciDeviceID);
}

TEST_F(DeviceTest, RejectsInvalidOrdinalsAndArguments) {
  cudaDeviceProp prop;
  int value = 0;
  EXPECT_EQ(cudaGetDeviceProperties(&prop, 2), cudaErrorInvalidDevice);
  EXPECT_EQ(cudaGetDeviceProperties(nullptr, 0), cudaErrorInvalidValue);
  EXPECT_EQ(cudaDeviceGetAttribute(&value, cudaDevAttrWarpSize, -1), cudaErrorInvalidDevice);
  EXPECT_EQ(cudaDeviceGetAttribute(nullptr, cudaDevAttrWarpSize, 0), cudaErrorInvalidValue);
  EXPECT_EQ(cudaSetDevice(2), cudaErrorInvalidDevice);
  EXPECT_EQ(cudaSetDevice(-1), cudaErrorInvalidDevice);
  EXPECT_EQ(cudaGetDevice(nullptr), cudaErrorInvalidValue);
  int device = -1;
  ASSERT_EQ(cudaGetDevice(&device), cudaSuccess);
  EXPECT_EQ(device, 0) << "a failed cudaSetDevice keeps the current device";
  EXPECT_EQ(cudaGetLastError(), cudaErrorInvalidValue);
  EXPECT_EQ(cudaGetLastError(), cudaSuccess);
}

TEST_F(DeviceTest, SetDeviceMakesThatDevicesPrimaryContextCurrent) {
  ASSERT_EQ(cudaSetDevice(1), cudaSuccess);
  CUcontext current = nullptr;
  ASSERT_EQ(DRIVER_FN(cuCtxGetCurrent)(&current), CUDA_SUCCESS);
  ASSERT_NE(current, nullptr);
  CUdevice device = -1;
  ASSERT_EQ(DRIVER_FN(cuCtxGetDevice)(&device), CUDA_SUCCESS);
  CUdevice second = -1;
  ASSERT_EQ(DRIVER_FN(cuDeviceGet)(&second, 1), CUDA_SUCCESS);
  EXPECT_EQ(device, second);
  CUcontext primary = nullptr;
  ASSERT_EQ(DRIVER_FN(cuDevicePrimaryCtxRetain)(&primary, second), CUDA_SUCCESS);
  EXPECT_EQ(primary, current);
  EXPECT_EQ(DRIVER_FN(cuDevicePrimaryCtxRelease)(second), CUDA_SUCCESS);
}

TEST_F(DeviceTest, CurrentDeviceIsPerThread) {
  ASSERT_EQ(cudaSetDevice(1), cudaSuccess);
  int seen_by_other = -1;
  void* other_allocation = nullptr;
  std::thread other([&] {
    cudaGetDevice(&seen_by_other);
    cudaMalloc(&other_allocation, 4096);
  });
  other.join();
  EXPECT_EQ(seen_by_other, 0);
  int mine = -1;
  ASSERT_EQ(cudaGetDevice(&mine), cudaSuccess);
  EXPECT_EQ(mine, 1);

  void* allocation = nullptr;
  ASSERT_EQ(cudaMalloc(&allocation, 4096), cudaSuccess);
  cudaPointerAttributes attributes;
  ASSERT_EQ(cudaPointerGetAttributes(&attributes, allocation), cudaSuccess);
  EXPECT_EQ(attributes.type, cudaMemoryTypeDevice);
  EXPECT_EQ(attributes.device, 1);
  ASSERT_NE(other_allocation, nullptr);
  ASSERT_EQ(cudaPointerGetAttributes(&attributes, other_allocation), cudaSuccess);
  EXPECT_EQ(attributes.device, 0);
  EXPECT_EQ(cudaFree(allocation), cudaSuccess);
  ASSERT_EQ(cudaSetDevice(0), cudaSuccess);
  EXPECT_EQ(cudaFree(other_allocation), cudaSuccess);
}

TEST_F(DeviceTest, ResetDestroysAllocationsAndKernelsStillLaunchAfterwards) {
  float* stale = nullptr;
  ASSERT_EQ(cudaMalloc(&stale, 1024), cudaSuccess);
  ASSERT_EQ(launch(&kFill, 1, 1, nullptr, stale, 1.0f, 4), cudaSuccess);
  ASSERT_EQ(cudaDeviceReset(), cudaSuccess);
  EXPECT_NE(cudaFree(stale), cudaSuccess) << "the reset context took the allocation with it";
  cudaGetLastError();

  // A fresh primary context: the kernel's module is loaded again on demand.
  float* out = nullptr;
  ASSERT_EQ(cudaMalloc(&out, 4 * sizeof(float)), cudaSuccess);
  ASSERT_EQ(launch(&kFill, 1, 1, nullptr, out, 7.0f, 4), cudaSuccess);
  float host[4] = {};
  ASSERT_EQ(cudaMemcpy(host, out, sizeof(host), cudaMemcpyDeviceToHost), cudaSuccess);
  for (float v : host) EXPECT_EQ(v, 7.0f);
  EXPECT_EQ(cudaFree(out), cudaSuccess);
}

TEST_F(DeviceTest, SynchronizeWaitsForEveryStream) {
  int* slots = nullptr;
  ASSERT_EQ(cudaMallocHost(&slots, 4 * sizeof(int)), cudaSuccess);
  std::memset(slots, 0, 4 * sizeof(int));
  cudaStream_t stream = nullptr;
  ASSERT_EQ(cudaStreamCreateWithFlags(&stream, cudaStreamNonBlocking), cudaSuccess);
  ASSERT_EQ(launch(&kStamp, 1, 1, stream, slots, slots + 3, 100), cudaSuccess);
  ASSERT_EQ(cudaDeviceSynchronize(), cudaSuccess);
  EXPECT_EQ(slots[0], 1);
  EXPECT_EQ(cudaStreamDestroy(stream), cudaSuccess);
  EXPECT_EQ(cudaFreeHost(slots), cudaSuccess);
}

}  // namespace
}  // namespace cudasim_test
