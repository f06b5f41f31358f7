#include "gpuswap/runtime/operation_log.h"

#include <gtest/gtest.h>

#include <atomic>
#include <cstdint>
#include <memory>
#include <thread>
#include <vector>

namespace gpuswap::runtime {
namespace {

struct Seen {
  std::uint64_t signature;
  std::uint64_t stream;
  std::vector<std::uint64_t> regions;
};

std::vector<Seen> drain_all(OperationLog& log) {
  std::vector<Seen> seen;
  log.drain([&](const LoggedOperation& op) {
    seen.push_back({op.signature, op.stream, {op.regions.begin(), op.regions.end()}});
  });
  return seen;
}

void append_ids(OperationLog& log, std::uint64_t signature, std::uint64_t stream,
                const std::vector<std::uint64_t>& ids) {
  ASSERT_TRUE(log.has_room(ids.size()));
  log.append(signature, stream, ids.size(), [&](std::size_t i) { return ids[i]; });
}

TEST(OperationLog, DrainsRecordsInOrderOnce) {
  auto log = std::make_unique<OperationLog>();
  EXPECT_TRUE(log->empty());
  append_ids(*log, 7, 100, {1, 2, 3});
  append_ids(*log, 8, 200, {4});
  EXPECT_FALSE(log->empty());
  const std::vector<Seen> seen = drain_all(*log);
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[0].signature, 7u);
  EXPECT_EQ(seen[0].stream, 100u);
  EXPECT_EQ(seen[0].regions, (std::vector<std::uint64_t>{1, 2, 3}));
  EXPECT_EQ(seen[1].signature, 8u);
  EXPECT_EQ(seen[1].regions, (std::vector<std::uint64_t>{4}));
  EXPECT_TRUE(log->empty());
  EXPECT_TRUE(drain_all(*log).empty());
}

TEST(OperationLog, FullUntilDrainedAndRecordsWrapAroundIntact) {
  auto log = std::make_unique<OperationLog>();
  // Records of 8 regions take 11 words: the ring fills after kWords / 11 of
  // them, and later records straddle its end.
  std::vector<std::uint64_t> ids(8);
  std::uint64_t next = 0;
  std::uint64_t expected = 0;
  for (int round = 0; round < 5; ++round) {
    int appended = 0;
    while (log->has_room(ids.size())) {
      for (auto& id : ids) id = next++;
      log->append(next, 0, ids.size(), [&](std::size_t i) { return ids[i]; });
      ++appended;
    }
    EXPECT_EQ(appended, static_cast<int>(OperationLog::kWords / 11));
    for (const Seen& seen : drain_all(*log)) {
      ASSERT_EQ(seen.regions.size(), 8u);
      for (std::uint64_t id : seen.regions) ASSERT_EQ(id, expected++);
      EXPECT_EQ(seen.signature, expected);
    }
  }
  EXPECT_EQ(expected, next);
}

// A quiet launch's record holds parameter words for the consumer to decode;
// one whose words cannot all be read is dropped without a trace.
TEST(OperationLog, AddressRecordsAreMarkedAndAFailedOneIsDropped) {
  auto log = std::make_unique<OperationLog>();
  const std::vector<std::uint64_t> words = {0x7000'0000'1000, 42, 0x7000'0020'0000};
  ASSERT_TRUE(log->append_addresses(5, 9, words.size(), [&](std::size_t i, std::uint64_t* out) {
    *out = words[i];
    return true;
  }));
  EXPECT_FALSE(log->append_addresses(6, 9, 4, [&](std::size_t i, std::uint64_t* out) {
    *out = 1;
    return i < 2;  // the third word cannot be read
  }));
  append_ids(*log, 7, 9, {3});
  std::vector<bool> addresses;
  std::vector<std::vector<std::uint64_t>> seen;
  log->drain([&](const LoggedOperation& op) {
    addresses.push_back(op.addresses);
    seen.emplace_back(op.regions.begin(), op.regions.end());
  });
  EXPECT_EQ(addresses, (std::vector<bool>{true, false}));
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[0], words);
  EXPECT_EQ(seen[1], (std::vector<std::uint64_t>{3}));
  EXPECT_TRUE(log->empty());
}

TEST(OperationLog, SaysOnceEachTimeItPassesHalfFull) {
  auto log = std::make_unique<OperationLog>();
  const std::vector<std::uint64_t> ids(OperationLog::kMaxRegions - OperationLog::kHeaderWords, 1);
  const std::size_t per_half = OperationLog::kWords / 2 / OperationLog::kMaxRegions;
  for (int round = 0; round < 2; ++round) {
    int said = 0;
    for (std::size_t i = 0; i < per_half; ++i) {
      append_ids(*log, 0, 0, ids);
      said += log->passed_half() ? 1 : 0;
    }
    EXPECT_EQ(said, 1) << "round " << round;  // exactly at the record that reached half
    append_ids(*log, 0, 0, ids);
    EXPECT_FALSE(log->passed_half());  // still above half: said already
    drain_all(*log);
    EXPECT_FALSE(log->passed_half());  // below half again: rearmed
  }
}

// The launch reporter drains a few records per hold of the runtime lock:
// a bounded drain stops there and the next one goes on in order.
TEST(OperationLog, ABoundedDrainLeavesTheRestInOrder) {
  auto log = std::make_unique<OperationLog>();
  for (std::uint64_t r = 0; r < 5; ++r) append_ids(*log, r, 0, {r});
  std::vector<std::uint64_t> seen;
  const auto visit = [&](const LoggedOperation& op) { seen.push_back(op.signature); };
  EXPECT_EQ(log->drain(visit, 2), 2u);
  EXPECT_FALSE(log->empty());
  EXPECT_EQ(log->drain(visit, 2), 2u);
  EXPECT_EQ(log->drain(visit, 2), 1u);
  EXPECT_TRUE(log->empty());
  EXPECT_EQ(seen, (std::vector<std::uint64_t>{0, 1, 2, 3, 4}));
}

TEST(OperationLog, RefusesMoreRegionsThanARecordHolds) {
  auto log = std::make_unique<OperationLog>();
  EXPECT_TRUE(log->has_room(OperationLog::kMaxRegions));
  EXPECT_FALSE(log->has_room(OperationLog::kMaxRegions + 1));
}

TEST(OperationLog, OneProducerAndOneConsumerLoseNothing) {
  auto log = std::make_unique<OperationLog>();
  constexpr std::uint64_t kRecords = 200000;
  std::atomic<bool> done{false};
  std::thread producer([&] {
    for (std::uint64_t r = 0; r < kRecords; ++r) {
      const std::size_t count = 1 + r % 11;
      while (!log->has_room(count)) std::this_thread::yield();
      log->append(r, r * 3, count, [&](std::size_t i) { return r * 100 + i; });
    }
    done.store(true);
  });
  std::uint64_t expected = 0;
  bool ordered = true;
  const auto check = [&](const LoggedOperation& op) {
    ordered = ordered && op.signature == expected && op.stream == expected * 3 &&
              op.regions.size() == 1 + expected % 11;
    for (std::size_t i = 0; i < op.regions.size(); ++i) {
      ordered = ordered && op.regions[i] == expected * 100 + i;
    }
    ++expected;
  };
  while (!done.load()) log->drain(check);
  producer.join();
  log->drain(check);
  EXPECT_TRUE(ordered);
  EXPECT_EQ(expected, kRecords);
}

}  // namespace
}  // namespace gpuswap::runtime
