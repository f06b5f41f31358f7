#include "link.h"

#include <fcntl.h>
#include <pthread.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>

#include "fault_guard.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace cudasim {

std::int64_t monotonic_ns() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<std::int64_t>(ts.tv_sec) * 1000000000 + ts.tv_nsec;
}

void sleep_until_ns(std::int64_t t) {
  if (t <= monotonic_ns()) return;
  timespec ts;
  ts.tv_sec = static_cast<time_t>(t / 1000000000);
  ts.tv_nsec = static_cast<long>(t % 1000000000);
  while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, nullptr) == EINTR) {
  }
}

namespace {

// Moves one chunk of a copy. A copy engine writes memory without passing it
// through the CPU's caches; so do these stores, which also spare the read of
// every destination line that an ordinary store makes first. That read is a
// third of the memory traffic of a cached copy, which is what keeps one CPU
// thread's memcpy of buffers larger than the cache below the link's rate.
void engine_copy(char* dst, const char* src, std::size_t n) {
#if defined(__SSE2__)
  constexpr std::size_t kLine = 64;
  const std::size_t head = (kLine - reinterpret_cast<std::uintptr_t>(dst) % kLine) % kLine;
  if (n >= head + kLine) {
    std::memcpy(dst, src, head);
    dst += head;
    src += head;
    n -= head;
    const std::size_t body = n / kLine * kLine;
    for (std::size_t i = 0; i < body; i += kLine) {
      const auto* from = reinterpret_cast<const __m128i*>(src + i);
      auto* to = reinterpret_cast<__m128i*>(dst + i);
      const __m128i a = _mm_loadu_si128(from);
      const __m128i b = _mm_loadu_si128(from + 1);
      const __m128i c = _mm_loadu_si128(from + 2);
      const __m128i d = _mm_loadu_si128(from + 3);
      _mm_stream_si128(to, a);
      _mm_stream_si128(to + 1, b);
      _mm_stream_si128(to + 2, c);
      _mm_stream_si128(to + 3, d);
    }
    // Streaming stores are weakly ordered: they must be visible before the
    // copy is reported complete.
    _mm_sfence();
    dst += body;
    src += body;
    n -= body;
  }
#endif
  std::memcpy(dst, src, n);
}

std::int64_t earliest_start(std::int64_t resume_at) {
  return resume_at > 0 ? resume_at : monotonic_ns();
}

class PrivateClock final : public LinkClock {
 public:
  std::int64_t book(Direction d, std::int64_t duration_ns, std::int64_t resume_at) override {
    std::lock_guard lock(mu_);
    std::int64_t& next = next_free_[static_cast<int>(d)];
    next = std::max(next, earliest_start(resume_at)) + duration_ns;
    return next;
  }

 private:
  std::mutex mu_;
  std::int64_t next_free_[2] = {0, 0};
};

// Layout of the shared segment; the magic is written last, after the mutex is
// initialised, so openers wait for it.
struct SharedLinkState {
  std::uint64_t magic;
  std::uint32_t version;
  std::uint32_t reserved0;
  pthread_mutex_t mutex;
  std::int64_t next_free[2];
  std::uint64_t reserved[8];
};
constexpr std::uint64_t kMagic = 0x6b6e696c6d697364ull;  // "dsimlink"
constexpr std::uint32_t kVersion = 1;

class SharedClock final : public LinkClock {
 public:
  explicit SharedClock(SharedLinkState* s) : s_(s) {}
  ~SharedClock() override { munmap(s_, sizeof *s_); }

  std::int64_t book(Direction d, std::int64_t duration_ns, std::int64_t resume_at) override {
    int rc = pthread_mutex_lock(&s_->mutex);
    if (rc == EOWNERDEAD) pthread_mutex_consistent(&s_->mutex);
    std::int64_t& next = s_->next_free[static_cast<int>(d)];
    next = std::max(next, earliest_start(resume_at)) + duration_ns;
    const std::int64_t end = next;
    pthread_mutex_unlock(&s_->mutex);
    return end;
  }

 private:
  SharedLinkState* s_;
};

SharedLinkState* open_shared(const std::string& name) {
  const std::string path = "/cudasim-link-" + name;
  bool creator = true;
  int fd = shm_open(path.c_str(), O_RDWR | O_CREAT | O_EXCL, 0600);
  if (fd < 0 && errno == EEXIST) {
    creator = false;
    fd = shm_open(path.c_str(), O_RDWR, 0600);
  }
  if (fd < 0) return nullptr;
  if (creator) {
    if (ftruncate(fd, sizeof(SharedLinkState)) != 0) {
      close(fd);
      return nullptr;
    }
  } else {
    // The creator may not have sized it yet.
    for (int i = 0; i < 1000; ++i) {
      struct stat st;
      if (fstat(fd, &st) == 0 && static_cast<std::size_t>(st.st_size) >= sizeof(SharedLinkState))
        break;
      usleep(1000);
    }
  }
  void* p = mmap(nullptr, sizeof(SharedLinkState), PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  close(fd);
  if (p == MAP_FAILED) return nullptr;
  auto* s = static_cast<SharedLinkState*>(p);
  if (creator) {
    pthread_mutexattr_t attr;
    pthread_mutexattr_init(&attr);
    pthread_mutexattr_setpshared(&attr, PTHREAD_PROCESS_SHARED);
    pthread_mutexattr_setrobust(&attr, PTHREAD_MUTEX_ROBUST);
    pthread_mutex_init(&s->mutex, &attr);
    pthread_mutexattr_destroy(&attr);
    s->next_free[0] = s->next_free[1] = 0;
    s->version = kVersion;
    __atomic_store_n(&s->magic, kMagic, __ATOMIC_RELEASE);
    return s;
  }
  for (int i = 0; i < 1000; ++i) {
    if (__atomic_load_n(&s->magic, __ATOMIC_ACQUIRE) == kMagic) {
      if (s->version == kVersion) return s;
      break;
    }
    usleep(1000);
  }
  munmap(p, sizeof(SharedLinkState));
  return nullptr;
}

}  // namespace

std::unique_ptr<LinkClock> private_link_clock() {
  return std::make_unique<PrivateClock>();
}

std::unique_ptr<LinkClock> shared_link_clock(const std::string& name) {
  if (SharedLinkState* s = open_shared(name)) return std::make_unique<SharedClock>(s);
  std::fprintf(stderr,
               "cudasim: cannot share link \"%s\" (%s); this process uses a link of its own\n",
               name.c_str(), std::strerror(errno));
  return private_link_clock();
}

bool Link::transfer(Direction d, const std::vector<CopySegment>& segments,
                    std::uintptr_t* fault_addr) {
  constexpr std::size_t kChunk = 1u << 20;
  const double ns_per_byte = 1.0 / gbps_;  // gbps_ is 1e9 bytes per second
  std::unique_lock engine(engine_[static_cast<int>(d)]);
  std::size_t seg = 0;
  std::size_t offset = 0;
  std::int64_t previous_end = 0;
  while (seg < segments.size()) {
    // Gather up to one chunk of bytes, possibly across small segments (rows).
    struct Piece {
      char* dst;
      const char* src;
      std::size_t n;
    };
    std::vector<Piece> pieces;
    std::size_t bytes = 0;
    while (seg < segments.size() && bytes < kChunk) {
      const CopySegment& s = segments[seg];
      const std::size_t n = std::min(s.bytes - offset, kChunk - bytes);
      pieces.push_back(
          {static_cast<char*>(s.dst) + offset, static_cast<const char*>(s.src) + offset, n});
      bytes += n;
      offset += n;
      if (offset == s.bytes) {
        ++seg;
        offset = 0;
      }
    }
    const std::int64_t end = clock_->book(
        d, static_cast<std::int64_t>(static_cast<double>(bytes) * ns_per_byte), previous_end);
    previous_end = end;
    std::uintptr_t addr = 0;
    const bool ok = guarded(
        [&] {
          for (const Piece& p : pieces) engine_copy(p.dst, p.src, p.n);
        },
        &addr);
    if (!ok) {
      engine.unlock();
      *fault_addr = addr;
      return false;
    }
    sleep_until_ns(end);
  }
  return true;
}

}  // namespace cudasim
