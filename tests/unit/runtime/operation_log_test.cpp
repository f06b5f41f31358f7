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
  std::vector<std::uint64_t> addresses;
};

std::vector<Seen> drain_all(OperationLog& log) {
  std::vector<Seen> seen;
  log.drain([&](const LoggedOperation& op) {
    seen.push_back({op.signature, op.stream, {op.addresses.begin(), op.addresses.end()}});
  });
  return seen;
}

void append_ids(OperationLog& log, std::uint64_t signature, std::uint64_t stream,
                const std::vector<std::uint64_t>& ids) {
  ASSERT_TRUE(log.has_room(ids.size()));
  ASSERT_TRUE(log.append(signature, stream, ids.size(), [&](std::size_t i, std::uint64_t* out) {
    *out = ids[i];
    return true;
  }));
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
  EXPECT_EQ(seen[0].addresses, (std::vector<std::uint64_t>{1, 2, 3}));
  EXPECT_EQ(seen[1].signature, 8u);
  EXPECT_EQ(seen[1].addresses, (std::vector<std::uint64_t>{4}));
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
      append_ids(*log, next, 0, ids);
      ++appended;
    }
    EXPECT_EQ(appended, static_cast<int>(OperationLog::kWords / 11));
    for (const Seen& seen : drain_all(*log)) {
      ASSERT_EQ(seen.addresses.size(), 8u);
      for (std::uint64_t id : seen.addresses) ASSERT_EQ(id, expected++);
      EXPECT_EQ(seen.signature, expected);
    }
  }
  EXPECT_EQ(expected, next);
}

// A record whose addresses cannot all be read (a quiet launch with a null
// parameter pointer) is dropped without a trace.
TEST(OperationLog, ARecordThatCannotBeReadIsDropped) {
  auto log = std::make_unique<OperationLog>();
  const std::vector<std::uint64_t> words = {0x7000'0000'1000, 42, 0x7000'0020'0000};
  append_ids(*log, 5, 9, words);
  EXPECT_FALSE(log->append(6, 9, 4, [&](std::size_t i, std::uint64_t* out) {
    *out = 1;
    return i < 2;  // the third address cannot be read
  }));
  append_ids(*log, 7, 9, {3});
  const std::vector<Seen> seen = drain_all(*log);
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[0].addresses, words);
  EXPECT_EQ(seen[1].signature, 7u);
  EXPECT_EQ(seen[1].addresses, (std::vector<std::uint64_t>{3}));
  EXPECT_TRUE(log->empty());
}

TEST(OperationLog, SaysOnceEachTimeItPassesHalfFull) {
  auto log = std::make_unique<OperationLog>();
  const std::vector<std::uint64_t> ids(OperationLog::kMaxAddresses - OperationLog::kHeaderWords, 1);
  const std::size_t per_half = OperationLog::kWords / 2 / OperationLog::kMaxAddresses;
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

TEST(OperationLog, RefusesMoreAddressesThanARecordHolds) {
  auto log = std::make_unique<OperationLog>();
  EXPECT_TRUE(log->has_room(OperationLog::kMaxAddresses));
  EXPECT_FALSE(log->has_room(OperationLog::kMaxAddresses + 1));
}

TEST(OperationLog, OneProducerAndOneConsumerLoseNothing) {
  auto log = std::make_unique<OperationLog>();
  constexpr std::uint64_t kRecords = 200000;
  std::atomic<bool> done{false};
  std::thread producer([&] {
    for (std::uint64_t r = 0; r < kRecords; ++r) {
      const std::size_t count = 1 + r % 11;
      while (!log->has_room(count)) std::this_thread::yield();
      (void)log->append(r, r * 3, count, [&](std::size_t i, std::uint64_t* out) {
        *out = r * 100 + i;
        return true;
      });
    }
    done.store(true);
  });
  std::uint64_t expected = 0;
  bool ordered = true;
  const auto check = [&](const LoggedOperation& op) {
    ordered = ordered && op.signature == expected && op.stream == expected * 3 &&
              op.addresses.size() == 1 + expected % 11;
    for (std::size_t i = 0; i < op.addresses.size(); ++i) {
      ordered = ordered && op.addresses[i] == expected * 100 + i;
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
