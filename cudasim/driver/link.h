// The emulated host<->device link. A copy takes at least bytes / bandwidth:
// it is cut into chunks, each reserving the next free time slot of its
// direction on the link's clock and sleeping until that slot ends. Each device
// has one copy engine per direction, so two uploads to one device run one
// after the other while an upload and a download overlap. Processes that name
// the same link (CUDASIM_LINK) share one clock in POSIX shared memory, so they
// share its bandwidth.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace cudasim {

enum class Direction { kHostToDevice = 0, kDeviceToHost = 1 };

// Per-direction next-free timestamps (CLOCK_MONOTONIC nanoseconds).
class LinkClock {
 public:
  virtual ~LinkClock() = default;
  // Books `duration_ns` of the direction starting no earlier than the end of
  // the previous booking, and no earlier than now unless `resume_at` is the
  // end of the same transfer's previous chunk: then no earlier than that, so
  // the wake-up delay of the copy's sleep is not charged to the link as if
  // it had carried data (a long copy would otherwise run well below the
  // bandwidth). Returns the booking's end.
  virtual std::int64_t book(Direction d, std::int64_t duration_ns, std::int64_t resume_at) = 0;
};

std::unique_ptr<LinkClock> private_link_clock();
// The clock of the named link, shared by every process that names it; falls
// back to a private clock (with one line on stderr) if shared memory fails.
std::unique_ptr<LinkClock> shared_link_clock(const std::string& name);

std::int64_t monotonic_ns();
void sleep_until_ns(std::int64_t t);

struct CopySegment {
  void* dst;
  const void* src;
  std::size_t bytes;
};

// One device's end of a link: its two copy engines over a (maybe shared) clock.
class Link {
 public:
  Link(std::shared_ptr<LinkClock> clock, double gbps) : clock_(std::move(clock)), gbps_(gbps) {}

  // Copies the segments in link-time chunks on the direction's engine.
  // Returns false when a copy touched inaccessible device memory (*fault_addr).
  bool transfer(Direction d, const std::vector<CopySegment>& segments, std::uintptr_t* fault_addr);

 private:
  std::shared_ptr<LinkClock> clock_;
  double gbps_;
  std::mutex engine_[2];
};

}  // namespace cudasim
