// The swap-trace writer: what it writes reads back exactly, levels filter,
// a full queue drops and counts instead of blocking, many threads at once.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "gpuswap/runtime/trace_writer.h"
#include "trace_file.h"

namespace gpuswap::runtime {
namespace {

namespace fs = std::filesystem;

class TraceWriterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("gpuswap_trace_writer_" + std::to_string(getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  config::TraceConfig trace_config(config::TraceLevel level) const {
    return config::TraceConfig{(dir_ / "trace.jsonl").string(), level};
  }
  std::vector<std::string> lines() const {
    std::ifstream in(dir_ / "trace.jsonl");
    std::vector<std::string> out;
    for (std::string line; std::getline(in, line);) out.push_back(line);
    return out;
  }
  tools::TraceFile read_back() const {
    const tools::TraceReadResult read = tools::read_trace_file((dir_ / "trace.jsonl").string());
    EXPECT_TRUE(read.ok()) << read.error;
    return read.trace;
  }

  fs::path dir_;
};

TraceEvent event(TraceKind kind, std::uint64_t t, std::uint64_t region, std::uint64_t bytes,
                 std::uint64_t dur, std::uint64_t stream, TraceReason reason) {
  TraceEvent e;
  e.kind = kind;
  e.timestamp_ns = t;
  e.region = region;
  e.bytes = bytes;
  e.duration_ns = dur;
  e.stream = stream;
  e.reason = reason;
  return e;
}

TEST_F(TraceWriterTest, EventsReadBackExactly) {
  const std::vector<TraceEvent> events = {
      event(TraceKind::alloc, 10, 1, 4ull << 20, 0, 0, TraceReason::none),
      event(TraceKind::evict, 20, 1, 4ull << 20, 1500, 0x7f00aa, TraceReason::budget),
      event(TraceKind::restore, 40, 1, 4ull << 20, 2500, 0x7f00ab, TraceReason::demand),
      event(TraceKind::prefetch, 50, 2, 1ull << 33, 9000, 3, TraceReason::prefetch),
      event(TraceKind::discard, 60, 3, 123, 0, 0, TraceReason::overwrite),
      event(TraceKind::stall, 70, 2, 0, 777, 5, TraceReason::demand),
      event(TraceKind::sched_wait, 80, 0, 0, 55, 6, TraceReason::budget),
      event(TraceKind::oom, 90, 0, 1ull << 40, 0, 0, TraceReason::host),
      event(TraceKind::free, 100, 1, 4ull << 20, 0, 0, TraceReason::free),
  };
  {
    TraceWriter writer(trace_config(config::TraceLevel::events), {"cudasim \"test\" device", 1234});
    ASSERT_TRUE(writer.enabled()) << writer.error();
    for (const TraceEvent& e : events) writer.emit(e);
  }
  const tools::TraceFile trace = read_back();
  EXPECT_EQ(trace.pid, static_cast<std::uint64_t>(getpid()));
  EXPECT_EQ(trace.device, "cudasim \"test\" device");
  EXPECT_EQ(trace.device_budget, 1234u);
  EXPECT_EQ(trace.level, "events");
  EXPECT_GT(trace.start, 1'600'000'000ull * 1'000'000'000ull);  // a Unix time in ns
  ASSERT_EQ(trace.events.size(), events.size());
  for (std::size_t i = 0; i < events.size(); ++i) {
    SCOPED_TRACE(i);
    EXPECT_EQ(trace.events[i].kind, events[i].kind);
    EXPECT_EQ(trace.events[i].t, events[i].timestamp_ns);
    EXPECT_EQ(trace.events[i].region, events[i].region);
    EXPECT_EQ(trace.events[i].bytes, events[i].bytes);
    EXPECT_EQ(trace.events[i].dur, events[i].duration_ns);
    EXPECT_EQ(trace.events[i].stream, events[i].stream);
    EXPECT_EQ(trace.events[i].reason, events[i].reason);
  }
  ASSERT_TRUE(trace.end.has_value());
  EXPECT_EQ(trace.end->dropped, 0u);
  const auto evict = static_cast<std::size_t>(TraceKind::evict);
  EXPECT_EQ(trace.end->totals.count[evict], 1u);
  EXPECT_EQ(trace.end->totals.bytes[evict], 4ull << 20);
  EXPECT_EQ(trace.end->totals.duration_ns[evict], 1500u);
  const auto prefetch = static_cast<std::size_t>(TraceKind::prefetch);
  EXPECT_EQ(trace.end->totals.bytes[prefetch], 1ull << 33);
}

TEST_F(TraceWriterTest, UnstampedEventsGetIncreasingTimestampsSinceStart) {
  TraceWriter writer(trace_config(config::TraceLevel::events));
  const std::uint64_t before = writer.now_ns();
  writer.emit(event(TraceKind::stall, 0, 1, 0, 10, 0, TraceReason::demand));
  std::this_thread::sleep_for(std::chrono::milliseconds(2));
  writer.emit(event(TraceKind::stall, 0, 2, 0, 10, 0, TraceReason::demand));
  const std::uint64_t after = writer.now_ns();
  writer.close();
  const tools::TraceFile trace = read_back();
  ASSERT_EQ(trace.events.size(), 2u);
  EXPECT_GE(trace.events[0].t, before);
  EXPECT_GE(trace.events[1].t, trace.events[0].t + 2'000'000);
  EXPECT_LE(trace.events[1].t, after);
}

TEST_F(TraceWriterTest, OpsOnlyAtFullLevelWithEveryRegion) {
  std::vector<std::uint64_t> many(TraceEvent::kOpRegions * 2 + 3);
  for (std::size_t i = 0; i < many.size(); ++i) many[i] = 1000 + i * 7;
  for (const config::TraceLevel level : {config::TraceLevel::events, config::TraceLevel::full}) {
    {
      TraceWriter writer(trace_config(level));
      EXPECT_EQ(writer.wants(TraceKind::op), level == config::TraceLevel::full);
      EXPECT_TRUE(writer.wants(TraceKind::evict));
      writer.emit_op("cuLaunchKernel", 9, many);
      const std::uint64_t two[] = {4, 5};
      writer.emit_op("cublasSgemm_v2", 9, two);
      writer.emit(event(TraceKind::evict, 5, 4, 64, 3, 0, TraceReason::budget));
    }
    const tools::TraceFile trace = read_back();
    ASSERT_TRUE(trace.end.has_value());
    EXPECT_EQ(trace.end->totals.count[static_cast<std::size_t>(TraceKind::op)], 2u);
    if (level == config::TraceLevel::events) {
      ASSERT_EQ(trace.events.size(), 1u);
      EXPECT_EQ(trace.events[0].kind, TraceKind::evict);
      continue;
    }
    ASSERT_EQ(trace.events.size(), 3u);
    EXPECT_EQ(trace.events[0].kind, TraceKind::op);
    EXPECT_EQ(trace.events[0].name, "cuLaunchKernel");
    EXPECT_EQ(trace.events[0].stream, 9u);
    EXPECT_EQ(trace.events[0].regions, many);
    EXPECT_EQ(trace.events[1].name, "cublasSgemm_v2");
    EXPECT_EQ(trace.events[1].regions, (std::vector<std::uint64_t>{4, 5}));
  }
}

// Launches that went unrecorded reach the totals as a count; at level full
// there are none (every launch is recorded), and a count is ignored.
TEST_F(TraceWriterTest, OpsCountedWithoutRecordsReachTheTotalsBelowFullLevel) {
  for (const config::TraceLevel level : {config::TraceLevel::events, config::TraceLevel::full}) {
    {
      TraceWriter writer(trace_config(level));
      const std::uint64_t one[] = {4};
      writer.emit_op("cuLaunchKernel", 9, one);
      writer.count_ops(40);
      writer.count_ops(0);
    }
    const tools::TraceFile trace = read_back();
    ASSERT_TRUE(trace.end.has_value());
    EXPECT_EQ(trace.end->totals.count[static_cast<std::size_t>(TraceKind::op)],
              level == config::TraceLevel::full ? 1u : 41u);
  }
}

TEST_F(TraceWriterTest, SummaryLevelWritesOnlyHeaderAndTotals) {
  {
    TraceWriter writer(trace_config(config::TraceLevel::summary));
    ASSERT_TRUE(writer.enabled());
    for (TraceKind kind : {TraceKind::evict, TraceKind::restore, TraceKind::stall}) {
      EXPECT_FALSE(writer.wants(kind));
    }
    for (int i = 0; i < 5; ++i) {
      writer.emit(event(TraceKind::evict, 1, 1, 100, 10, 0, TraceReason::budget));
    }
    writer.emit(event(TraceKind::restore, 1, 1, 30, 7, 0, TraceReason::demand));
  }
  const std::vector<std::string> text = lines();
  ASSERT_EQ(text.size(), 2u);
  EXPECT_NE(text[0].find("\"gpuswap_trace\":1"), std::string::npos);
  EXPECT_NE(text[1].find("\"ev\":\"end\""), std::string::npos);
  const tools::TraceFile trace = read_back();
  ASSERT_TRUE(trace.end.has_value());
  EXPECT_EQ(trace.end->totals.count[static_cast<std::size_t>(TraceKind::evict)], 5u);
  EXPECT_EQ(trace.end->totals.bytes[static_cast<std::size_t>(TraceKind::evict)], 500u);
  EXPECT_EQ(trace.end->totals.duration_ns[static_cast<std::size_t>(TraceKind::evict)], 50u);
  EXPECT_EQ(trace.end->totals.bytes[static_cast<std::size_t>(TraceKind::restore)], 30u);
}

TEST_F(TraceWriterTest, OffOrNoPathWritesNothing) {
  TraceWriter off(trace_config(config::TraceLevel::off));
  EXPECT_FALSE(off.enabled());
  TraceWriter no_path(config::TraceConfig{"", config::TraceLevel::full});
  EXPECT_FALSE(no_path.enabled());
  off.emit(event(TraceKind::evict, 1, 1, 1, 1, 0, TraceReason::budget));
  no_path.emit(event(TraceKind::evict, 1, 1, 1, 1, 0, TraceReason::budget));
  off.close();
  no_path.close();
  EXPECT_FALSE(fs::exists(dir_ / "trace.jsonl"));
  EXPECT_EQ(off.totals().count[0], 0u);
}

TEST_F(TraceWriterTest, UnwritablePathIsReportedAndRecordingStops) {
  TraceWriter writer(
      config::TraceConfig{(dir_ / "missing" / "t.jsonl").string(), config::TraceLevel::events});
  EXPECT_FALSE(writer.enabled());
  EXPECT_NE(writer.error().find("missing"), std::string::npos) << writer.error();
  writer.emit(event(TraceKind::evict, 1, 1, 1, 1, 0, TraceReason::budget));
  writer.close();
}

TEST_F(TraceWriterTest, EmitsAfterCloseAreIgnored) {
  TraceWriter writer(trace_config(config::TraceLevel::events));
  writer.emit(event(TraceKind::evict, 1, 1, 8, 1, 0, TraceReason::budget));
  writer.close();
  writer.emit(event(TraceKind::evict, 2, 1, 8, 1, 0, TraceReason::budget));
  writer.close();
  const tools::TraceFile trace = read_back();
  EXPECT_EQ(trace.events.size(), 1u);
  EXPECT_EQ(lines().size(), 3u);  // header, event, end
}

// The file is a pipe nobody reads yet: the writer thread blocks on it, and
// emit() must still return at once, dropping and counting what the queue
// cannot hold. Then a reader drains the pipe and every event is accounted for.
TEST_F(TraceWriterTest, FullQueueDropsAndCountsInsteadOfBlocking) {
  const fs::path fifo = dir_ / "trace.jsonl";
  ASSERT_EQ(mkfifo(fifo.c_str(), 0600), 0);
  // Open the reading end first so that the writer's open does not wait.
  const int reader = open(fifo.c_str(), O_RDONLY | O_NONBLOCK);
  ASSERT_GE(reader, 0);

  constexpr std::size_t kCapacity = 16;
  constexpr std::uint64_t kEvents = 50'000;  // far more than a pipe buffer holds
  TraceWriter writer(config::TraceConfig{fifo.string(), config::TraceLevel::events}, {}, kCapacity);
  ASSERT_TRUE(writer.enabled()) << writer.error();
  for (std::uint64_t i = 0; i < kEvents; ++i) {
    writer.emit(event(TraceKind::restore, i + 1, i, 2, 1, 0, TraceReason::demand));
  }
  EXPECT_GT(writer.dropped(), 0u);
  EXPECT_EQ(writer.totals().count[static_cast<std::size_t>(TraceKind::restore)], kEvents);
  EXPECT_EQ(writer.totals().bytes[static_cast<std::size_t>(TraceKind::restore)], 2 * kEvents);

  std::string text;
  std::thread drain([&] {
    fcntl(reader, F_SETFL, 0);  // blocking from now on, until the writer closes
    char buffer[1 << 16];
    for (;;) {
      const ssize_t n = read(reader, buffer, sizeof buffer);
      if (n <= 0) break;
      text.append(buffer, static_cast<std::size_t>(n));
    }
  });
  writer.close();
  drain.join();
  close(reader);

  {
    std::ofstream copy(dir_ / "copy.jsonl");
    copy << text;
  }
  const tools::TraceReadResult read = tools::read_trace_file((dir_ / "copy.jsonl").string());
  ASSERT_TRUE(read.ok()) << read.error;
  const tools::TraceFile& trace = read.trace;
  ASSERT_TRUE(trace.end.has_value());
  EXPECT_EQ(trace.end->dropped, writer.dropped());
  EXPECT_EQ(trace.dropped, writer.dropped());  // the "dropped" records add up
  EXPECT_EQ(trace.events.size() + writer.dropped(), kEvents);
  // What was written is in order: the queue keeps emit order.
  for (std::size_t i = 1; i < trace.events.size(); ++i) {
    ASSERT_LT(trace.events[i - 1].t, trace.events[i].t);
  }
}

TEST_F(TraceWriterTest, ConcurrentEmittersLoseNothingAndKeepEachThreadsOrder) {
  constexpr int kThreads = 8;
  constexpr std::uint64_t kPerThread = 4000;
  {
    TraceWriter writer(trace_config(config::TraceLevel::events), {},
                       kThreads * kPerThread);  // room for all: nothing may drop
    std::atomic<bool> go{false};
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&, t] {
        while (!go.load()) std::this_thread::yield();
        for (std::uint64_t i = 0; i < kPerThread; ++i) {
          // stream = thread, region = sequence number within the thread.
          writer.emit(event(TraceKind::evict, 0, i, static_cast<std::uint64_t>(t) + 1, 1,
                            static_cast<std::uint64_t>(t), TraceReason::budget));
        }
      });
    }
    go = true;
    for (std::thread& thread : threads) thread.join();
    EXPECT_EQ(writer.dropped(), 0u);
  }
  const tools::TraceFile trace = read_back();
  ASSERT_EQ(trace.events.size(), kThreads * kPerThread);
  std::vector<std::uint64_t> next(kThreads, 0);
  std::uint64_t bytes = 0;
  for (const tools::TraceRecord& e : trace.events) {
    ASSERT_LT(e.stream, static_cast<std::uint64_t>(kThreads));
    EXPECT_EQ(e.region, next[e.stream]++);
    EXPECT_EQ(e.bytes, e.stream + 1);
    bytes += e.bytes;
  }
  for (const std::uint64_t n : next) EXPECT_EQ(n, kPerThread);
  ASSERT_TRUE(trace.end.has_value());
  EXPECT_EQ(trace.end->totals.bytes[static_cast<std::size_t>(TraceKind::evict)], bytes);
}

TEST_F(TraceWriterTest, AForkedChildLeavesTheParentsTraceAlone) {
  auto* writer = new TraceWriter(trace_config(config::TraceLevel::events));
  writer->emit(event(TraceKind::evict, 1, 1, 10, 1, 0, TraceReason::budget));
  const pid_t child = fork();
  if (child == 0) {
    writer->abandon_after_fork();
    writer->emit(event(TraceKind::evict, 2, 2, 10, 1, 0, TraceReason::budget));
    const bool still_enabled = writer->enabled();
    delete writer;  // must neither join a thread it lacks nor write the file
    _exit(still_enabled ? 1 : 0);
  }
  ASSERT_GT(child, 0);
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status;
  writer->emit(event(TraceKind::evict, 3, 3, 10, 1, 0, TraceReason::budget));
  delete writer;
  const std::vector<std::string> text = lines();
  ASSERT_EQ(text.size(), 4u);  // header, two events, end: nothing from the child
  const tools::TraceFile trace = read_back();
  ASSERT_EQ(trace.events.size(), 2u);
  EXPECT_EQ(trace.events[0].region, 1u);
  EXPECT_EQ(trace.events[1].region, 3u);
}

}  // namespace
}  // namespace gpuswap::runtime
