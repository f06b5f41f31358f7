// The emulated link: a copy takes at least bytes / bandwidth, two uploads to
// one device share its engine, and processes naming the same link share its
// bandwidth. Runs with CUDASIM_LINK_GBPS=1.
#include <spawn.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "driver_test_util.h"

extern char** environ;

using namespace cudasim_test;

namespace {

constexpr std::size_t kBytes = 64u << 20;
// Minimum time of one kBytes copy at 1 GB/s, in seconds.
constexpr double kOneCopy = static_cast<double>(kBytes) / 1e9;

std::int64_t now_ns() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<std::int64_t>(ts.tv_sec) * 1000000000 + ts.tv_nsec;
}

}  // namespace

using Link = DriverTest;

TEST_F(Link, CopyTakesAtLeastBytesOverBandwidth) {
  CUdeviceptr d = 0;
  ASSERT_CU(cuMemAlloc(&d, kBytes));
  std::vector<char> h(kBytes, 1);
  auto t0 = std::chrono::steady_clock::now();
  ASSERT_CU(cuMemcpyHtoD(d, h.data(), kBytes));
  EXPECT_GE(seconds_since(t0), kOneCopy * 0.99);
  t0 = std::chrono::steady_clock::now();
  ASSERT_CU(cuMemcpyDtoH(h.data(), d, kBytes));
  EXPECT_GE(seconds_since(t0), kOneCopy * 0.99);
}

TEST_F(Link, TwoUploadsToOneDeviceShareItsEngine) {
  CUdeviceptr a = 0, b = 0;
  ASSERT_CU(cuMemAlloc(&a, kBytes / 2));
  ASSERT_CU(cuMemAlloc(&b, kBytes / 2));
  void* h = nullptr;
  ASSERT_CU(cuMemAllocHost(&h, kBytes));
  CUstream s1 = nullptr, s2 = nullptr;
  ASSERT_CU(cuStreamCreate(&s1, CU_STREAM_NON_BLOCKING));
  ASSERT_CU(cuStreamCreate(&s2, CU_STREAM_NON_BLOCKING));
  const auto t0 = std::chrono::steady_clock::now();
  ASSERT_CU(cuMemcpyHtoDAsync(a, h, kBytes / 2, s1));
  ASSERT_CU(cuMemcpyHtoDAsync(b, static_cast<char*>(h) + kBytes / 2, kBytes / 2, s2));
  ASSERT_CU(cuCtxSynchronize());
  EXPECT_GE(seconds_since(t0), kOneCopy * 0.99);
  ASSERT_CU(cuStreamDestroy(s1));
  ASSERT_CU(cuStreamDestroy(s2));
  ASSERT_CU(cuMemFreeHost(h));
}

// The copy engine moves whole cache lines with streaming stores and the
// ragged ends with ordinary ones: every alignment of either end and lengths
// around a line and across a 1 MiB chunk must move exactly the bytes asked
// for, both ways, and nothing next to them.
TEST_F(Link, CopiesMoveExactlyTheirBytesAtAnyAlignment) {
  constexpr std::size_t kSpan = (std::size_t{1} << 20) + 4096;
  CUdeviceptr d = 0;
  ASSERT_CU(cuMemAlloc(&d, kSpan));
  void* pinned = nullptr;
  ASSERT_CU(cuMemAllocHost(&pinned, 2 * kSpan));
  auto* source = static_cast<unsigned char*>(pinned);
  auto* back = source + kSpan;
  for (std::size_t i = 0; i < kSpan; ++i) source[i] = static_cast<unsigned char>(i * 131 + 7);
  const std::size_t lengths[] = {1, 63, 64, 65, 127, 4095, (std::size_t{1} << 20) + 65};
  const std::size_t offsets[] = {0, 1, 15, 16, 33, 63};
  for (const std::size_t length : lengths) {
    for (const std::size_t at : offsets) {
      const std::size_t from = (at * 7) % 64;  // the host side's own misalignment
      ASSERT_CU(cuMemsetD8(d, 0xee, kSpan));
      ASSERT_CU(cuMemcpyHtoD(d + at, source + from, length));
      std::memset(back, 0x11, kSpan);
      ASSERT_CU(cuMemcpyDtoH(back + from, d + at, length));
      ASSERT_EQ(std::memcmp(back + from, source + from, length), 0)
          << "length " << length << ", offset " << at;
      // Neither copy wrote past its ends.
      const std::string where =
          "length " + std::to_string(length) + ", offset " + std::to_string(at);
      EXPECT_EQ(back[from + length], 0x11) << where;
      if (from > 0) {
        EXPECT_EQ(back[from - 1], 0x11) << where;
      }
      unsigned char after = 0;
      ASSERT_CU(cuMemcpyDtoH(&after, d + at + length, 1));
      EXPECT_EQ(after, 0xee) << where;
      if (at > 0) {
        unsigned char before = 0;
        ASSERT_CU(cuMemcpyDtoH(&before, d + at - 1, 1));
        EXPECT_EQ(before, 0xee) << where;
      }
    }
  }
  ASSERT_CU(cuMemFreeHost(pinned));
  ASSERT_CU(cuMemFree(d));
}

TEST(SharedLink, TwoProcessesOnOneLinkShareItsBandwidth) {
  const std::string link = "driver-test-" + std::to_string(getpid());
  std::vector<std::string> env_strings;
  for (char** e = environ; *e != nullptr; ++e) {
    const std::string kv = *e;
    if (kv.rfind("CUDASIM_LINK=", 0) != 0 && kv.rfind("CUDASIM_LINK_GBPS=", 0) != 0)
      env_strings.push_back(kv);
  }
  env_strings.push_back("CUDASIM_LINK=" + link);
  env_strings.push_back("CUDASIM_LINK_GBPS=1");
  std::vector<char*> envp;
  for (auto& s : env_strings) envp.push_back(s.data());
  envp.push_back(nullptr);

  // Both start at the same instant, well after their own start-up.
  const std::int64_t start = now_ns() + 400000000;
  const std::string bytes = std::to_string(kBytes);
  const std::string at = std::to_string(start);
  std::vector<pid_t> pids;
  std::vector<FILE*> outs;
  for (int i = 0; i < 2; ++i) {
    int fds[2];
    ASSERT_EQ(pipe(fds), 0);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, fds[1], 1);
    posix_spawn_file_actions_addclose(&actions, fds[0]);
    char* argv[] = {const_cast<char*>(CUDASIM_LINK_COPIER), const_cast<char*>(bytes.c_str()),
                    const_cast<char*>(at.c_str()), nullptr};
    pid_t pid = 0;
    ASSERT_EQ(posix_spawn(&pid, CUDASIM_LINK_COPIER, &actions, nullptr, argv, envp.data()), 0);
    posix_spawn_file_actions_destroy(&actions);
    close(fds[1]);
    pids.push_back(pid);
    outs.push_back(fdopen(fds[0], "r"));
  }
  std::int64_t last_end = 0;
  for (int i = 0; i < 2; ++i) {
    int status = 0;
    ASSERT_EQ(waitpid(pids[i], &status, 0), pids[i]);
    ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    long long end = 0;
    ASSERT_EQ(std::fscanf(outs[i], "%lld", &end), 1);
    std::fclose(outs[i]);
    last_end = std::max<std::int64_t>(last_end, end);
  }
  shm_unlink(("/cudasim-link-" + link).c_str());
  // Alone each would take kOneCopy; sharing the link, both together take
  // about twice that.
  EXPECT_GE(static_cast<double>(last_end - start) / 1e9, 1.6 * kOneCopy);
}
