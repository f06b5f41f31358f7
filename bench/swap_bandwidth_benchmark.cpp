// How close gpuswap's evictions and restores come to the emulated link when
// cudasim's kernels do not compete with the copies for the CPU: a driver-API
// program whose buffers total several times the device and whose kernels are
// nearly free, so that the copies are the work.
//
// It allocates N regions (default 16 x 8 MiB), fills each with a pattern, and
// then, for a number of rounds, launches on every region in turn a kernel that
// reads and rewrites one 8-byte word per 4 KiB page. On a device smaller than
// the buffers, under LD_PRELOAD=libgpuswap.so, visiting the regions in a cycle
// makes every launch restore its region and evict another: each region is
// written every round, so each eviction must really copy it out and each
// restore copy it back. At the end every word of every region is compared
// with a host model (the page words chain all rounds' values, so a lost or
// stale copy shows); any difference exits with status 1.
//
//   --mode swap    (default) the program above; run it under gpuswap with a
//                  swap trace and read the copy times from the trace.
//   --mode copies  the reference, without gpuswap on a device that holds
//                  every region: before each launch the program itself makes
//                  the copies gpuswap makes there, in the same order and
//                  shape. It copies out the region an LRU eviction picks when
//                  the device holds --resident regions (default 8: a 64 MiB
//                  device of 8 MiB regions) on its own stream after the work
//                  queued so far, the host waiting for it, then copies the
//                  launch's region in from its host copy on another stream
//                  that the kernel's stream then waits for. Each copy is
//                  timed with events recorded around it on its stream, as
//                  gpuswap times its own. Same sizes, count, order, timing
//                  and kernels: what differs from `swap` is gpuswap.
//   --remap        (with --mode copies) the regions are virtual ranges whose
//                  memory is unmapped after each copy out and mapped again
//                  (cuMemMap, cuMemSetAccess) before each copy in, as
//                  gpuswap's page pool does: what differs from `swap` is
//                  then gpuswap's own bookkeeping and waiting.
//
// Prints one line of JSON: the mode, the geometry, the wall time of the
// rounds and, for `copies`, bytes, summed copy time and the median copy's
// time each way.
#include <cuda.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "cudasim/kernel.h"
#include "driver_check.h"
#include "primary_context.h"

namespace {

constexpr std::size_t kPageBytes = 4096;
constexpr std::size_t kWordsPerPage = kPageBytes / sizeof(std::uint64_t);

enum class Mode { kSwap, kCopies };

const char* name_of(Mode mode) {
  switch (mode) {
    case Mode::kCopies:
      return "copies";
    case Mode::kSwap:
      break;
  }
  return "swap";
}

struct Options {
  Mode mode = Mode::kSwap;
  int regions = 16;
  std::size_t region_bytes = std::size_t{8} << 20;
  int rounds = 8;
  int resident = 8;  // regions the device holds at once (copies)
  bool remap = false;
};

// The region the launch on region r evicts when the device holds `resident`
// of them and they are visited in a cycle: the least recently used one.
int victim_of(const Options& options, int r) {
  return (r + options.regions - options.resident) % options.regions;
}

// The value a page's word takes after a kernel: depends on what it held, so
// that every round's result depends on the previous round's having survived
// the trip to host memory and back.
std::uint64_t step(std::uint64_t word, std::uint64_t salt) {
  std::uint64_t z = word ^ (salt + 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

// The salt of one page in one launch.
std::uint64_t salt_of(int region, int round, std::size_t page) {
  return (static_cast<std::uint64_t>(region) << 48) ^ (static_cast<std::uint64_t>(round) << 32) ^
         page;
}

// The fill of region r: a 32-bit pattern (cuMemsetD32) and the word it makes.
unsigned fill_of(int region) {
  return 0x5a5a0000u + static_cast<unsigned>(region);
}
std::uint64_t fill_word(int region) {
  const std::uint64_t f = fill_of(region);
  return (f << 32) | f;
}

// touch_pages(std::uint64_t* base, std::uint64_t bytes, int region, int round)
void touch_pages(const cudasimLaunch*, void** args) {
  auto* base = cudasim::arg<std::uint64_t*>(args, 0);
  const auto bytes = cudasim::arg<std::uint64_t>(args, 1);
  const int region = cudasim::arg<int>(args, 2);
  const int round = cudasim::arg<int>(args, 3);
  for (std::size_t page = 0; page < bytes / kPageBytes; ++page) {
    std::uint64_t& word = base[page * kWordsPerPage];
    word = step(word, salt_of(region, round, page));
  }
}
using TouchLayout = cudasim::ParamLayout<std::uint64_t*, std::uint64_t, int, int>;

bool ok(CUresult status, const char* what) {
  return gpuswap::bench::driver_ok("bench_swap", status, what);
}

bool parse_size(std::string_view text, std::size_t* out) {
  char* end = nullptr;
  const std::string copy(text);
  const unsigned long long value = std::strtoull(copy.c_str(), &end, 10);
  if (end == copy.c_str()) return false;
  const std::string_view unit(end);
  std::size_t shift = 0;
  if (unit == "KiB") {
    shift = 10;
  } else if (unit == "MiB") {
    shift = 20;
  } else if (!unit.empty()) {
    return false;
  }
  *out = static_cast<std::size_t>(value) << shift;
  return true;
}

bool parse_int(std::string_view text, int* out) {
  const std::string copy(text);
  char* end = nullptr;
  const long value = std::strtol(copy.c_str(), &end, 10);
  if (end == copy.c_str() || *end != '\0' || value <= 0 || value > 1 << 20) return false;
  *out = static_cast<int>(value);
  return true;
}

bool parse(int argc, char** argv, Options* options) {
  for (int i = 1; i < argc; ++i) {
    const std::string_view flag(argv[i]);
    if (flag == "--remap") {
      options->remap = true;
      continue;
    }
    if (i + 1 >= argc) return false;
    const std::string_view value(argv[++i]);
    bool good = false;
    if (flag == "--mode") {
      good = true;
      if (value == "swap") {
        options->mode = Mode::kSwap;
      } else if (value == "copies") {
        options->mode = Mode::kCopies;
      } else {
        good = false;
      }
    } else if (flag == "--regions") {
      good = parse_int(value, &options->regions);
    } else if (flag == "--region-size") {
      good = parse_size(value, &options->region_bytes) && options->region_bytes >= kPageBytes &&
             options->region_bytes % kPageBytes == 0;
    } else if (flag == "--rounds") {
      good = parse_int(value, &options->rounds);
    } else if (flag == "--resident") {
      good = parse_int(value, &options->resident);
    }
    if (!good) return false;
  }
  return options->resident < options->regions &&
         (!options->remap || options->mode == Mode::kCopies);
}

// The regions' device memory: cuMemAlloc allocations, or with --remap
// virtual ranges backed by one physical allocation each that is mapped only
// while the region is resident.
class DeviceRegions {
 public:
  DeviceRegions(const Options& options, CUdevice device)
      : remap_(options.remap), bytes_(options.region_bytes), device_(device) {}
  DeviceRegions(const DeviceRegions&) = delete;
  DeviceRegions& operator=(const DeviceRegions&) = delete;
  ~DeviceRegions() {
    for (std::size_t r = 0; r < bases_.size(); ++r) {
      if (!remap_) {
        (void)cuMemFree(bases_[r]);
        continue;
      }
      if (mapped_[r]) (void)cuMemUnmap(bases_[r], bytes_);
      (void)cuMemRelease(handles_[r]);
      (void)cuMemAddressFree(bases_[r], bytes_);
    }
  }

  bool allocate(CUdeviceptr* base) {
    if (!remap_) {
      if (!ok(cuMemAlloc(base, bytes_), "cuMemAlloc")) return false;
      bases_.push_back(*base);
      return true;
    }
    CUmemAllocationProp prop{};
    prop.type = CU_MEM_ALLOCATION_TYPE_PINNED;
    prop.location.type = CU_MEM_LOCATION_TYPE_DEVICE;
    prop.location.id = device_;
    CUmemGenericAllocationHandle handle = 0;
    if (!ok(cuMemAddressReserve(base, bytes_, 0, 0, 0), "cuMemAddressReserve")) return false;
    if (!ok(cuMemCreate(&handle, bytes_, &prop, 0), "cuMemCreate")) {
      (void)cuMemAddressFree(*base, bytes_);
      return false;
    }
    bases_.push_back(*base);
    handles_.push_back(handle);
    mapped_.push_back(false);
    return map(static_cast<int>(bases_.size()) - 1);
  }

  bool map(int r) {
    const auto index = static_cast<std::size_t>(r);
    if (!remap_ || mapped_[index]) return true;
    CUmemAccessDesc access{};
    access.location.type = CU_MEM_LOCATION_TYPE_DEVICE;
    access.location.id = device_;
    access.flags = CU_MEM_ACCESS_FLAGS_PROT_READWRITE;
    mapped_[index] = ok(cuMemMap(bases_[index], bytes_, 0, handles_[index], 0), "cuMemMap");
    return mapped_[index] &&
           ok(cuMemSetAccess(bases_[index], bytes_, &access, 1), "cuMemSetAccess");
  }

  bool unmap(int r) {
    const auto index = static_cast<std::size_t>(r);
    if (!remap_ || !mapped_[index]) return true;
    mapped_[index] = false;
    return ok(cuMemUnmap(bases_[index], bytes_), "cuMemUnmap");
  }

 private:
  bool remap_;
  std::size_t bytes_;
  CUdevice device_;
  std::vector<CUdeviceptr> bases_;
  std::vector<CUmemGenericAllocationHandle> handles_;
  std::vector<bool> mapped_;
};

// Event-timed copies each way, in the shape of gpuswap's evictions and
// restores.
class CopyMirror {
 public:
  CopyMirror() = default;
  CopyMirror(const CopyMirror&) = delete;
  CopyMirror& operator=(const CopyMirror&) = delete;
  ~CopyMirror() {
    for (CUevent event : {after_work_, start_, done_, in_start_, in_done_}) {
      if (event != nullptr) (void)cuEventDestroy(event);
    }
    for (CUstream s : {out_stream_, in_stream_}) {
      if (s != nullptr) (void)cuStreamDestroy(s);
    }
    for (void* buffer : host_) {
      if (buffer != nullptr) (void)cuMemFreeHost(buffer);
    }
  }

  bool set_up(const Options& options) {
    host_.resize(static_cast<std::size_t>(options.regions));
    for (void*& buffer : host_) {
      if (!ok(cuMemAllocHost(&buffer, options.region_bytes), "cuMemAllocHost")) return false;
    }
    return ok(cuStreamCreate(&out_stream_, CU_STREAM_NON_BLOCKING), "cuStreamCreate") &&
           ok(cuStreamCreate(&in_stream_, CU_STREAM_NON_BLOCKING), "cuStreamCreate") &&
           ok(cuEventCreate(&after_work_, CU_EVENT_DEFAULT), "cuEventCreate") &&
           ok(cuEventCreate(&start_, CU_EVENT_DEFAULT), "cuEventCreate") &&
           ok(cuEventCreate(&done_, CU_EVENT_DEFAULT), "cuEventCreate") &&
           ok(cuEventCreate(&in_start_, CU_EVENT_DEFAULT), "cuEventCreate") &&
           ok(cuEventCreate(&in_done_, CU_EVENT_DEFAULT), "cuEventCreate");
  }

  // Untimed: every host copy starts equal to its region, as if each had
  // been evicted once.
  bool copy_out_all(const std::vector<CUdeviceptr>& regions, std::size_t bytes) {
    for (std::size_t r = 0; r < regions.size(); ++r) {
      if (!ok(cuMemcpyDtoH(host_[r], regions[r], bytes), "cuMemcpyDtoH")) return false;
    }
    return true;
  }

  // Before the launch on `region` (queued next on `stream`): copies `victim`
  // out after the work queued on `stream` so far, the host waiting for it,
  // then `region` in, the launch waiting for that.
  bool swap(DeviceRegions& memory, int victim, CUdeviceptr victim_base, int region,
            CUdeviceptr region_base, std::size_t bytes, CUstream stream) {
    void* victim_host = host_[static_cast<std::size_t>(victim)];
    if (!ok(cuEventRecord(after_work_, stream), "cuEventRecord") ||
        !ok(cuStreamWaitEvent(out_stream_, after_work_, 0), "cuStreamWaitEvent") ||
        !ok(cuEventRecord(start_, out_stream_), "cuEventRecord") ||
        !ok(cuMemcpyDtoHAsync(victim_host, victim_base, bytes, out_stream_), "cuMemcpyDtoHAsync") ||
        !ok(cuEventRecord(done_, out_stream_), "cuEventRecord") ||
        !ok(cuEventSynchronize(done_), "cuEventSynchronize")) {
      return false;
    }
    // The previous copy in has finished (the launch after it came before the
    // copy out just waited for); its events are reused below.
    if (!add_elapsed(in_pending_, in_start_, in_done_, &to_device_)) return false;
    if (!add_elapsed(true, start_, done_, &to_host_)) return false;
    if (!memory.unmap(victim) || !memory.map(region)) return false;
    // The region's host copy holds what the region holds (it was copied out
    // after its last launch), so copying it in changes no byte, as a restore
    // must not.
    void* region_host = host_[static_cast<std::size_t>(region)];
    if (!ok(cuEventRecord(in_start_, in_stream_), "cuEventRecord") ||
        !ok(cuMemcpyHtoDAsync(region_base, region_host, bytes, in_stream_), "cuMemcpyHtoDAsync") ||
        !ok(cuEventRecord(in_done_, in_stream_), "cuEventRecord") ||
        !ok(cuStreamWaitEvent(stream, in_done_, 0), "cuStreamWaitEvent")) {
      return false;
    }
    in_pending_ = true;
    bytes_each_way_ += bytes;
    return true;
  }

  bool finish() {
    if (!ok(cuStreamSynchronize(in_stream_), "cuStreamSynchronize")) return false;
    const bool timed = add_elapsed(in_pending_, in_start_, in_done_, &to_device_);
    in_pending_ = false;
    return timed;
  }

  std::uint64_t bytes_each_way() const { return bytes_each_way_; }
  // Each copy's time in nanoseconds, in order.
  const std::vector<double>& to_host() const { return to_host_; }
  const std::vector<double>& to_device() const { return to_device_; }

 private:
  static bool add_elapsed(bool pending, CUevent start, CUevent done, std::vector<double>* times) {
    if (!pending) return true;
    float ms = 0.0f;
    if (!ok(cuEventSynchronize(done), "cuEventSynchronize") ||
        !ok(cuEventElapsedTime(&ms, start, done), "cuEventElapsedTime")) {
      return false;
    }
    times->push_back(static_cast<double>(ms) * 1e6);
    return true;
  }

  std::vector<void*> host_;
  CUstream out_stream_ = nullptr;
  CUstream in_stream_ = nullptr;
  CUevent after_work_ = nullptr;
  CUevent start_ = nullptr;
  CUevent done_ = nullptr;
  CUevent in_start_ = nullptr;
  CUevent in_done_ = nullptr;
  bool in_pending_ = false;
  std::uint64_t bytes_each_way_ = 0;
  std::vector<double> to_host_;
  std::vector<double> to_device_;
};

// Compares every word of every region with the model: page words with the
// chained values, all others with the region's fill.
bool check(const Options& options, const std::vector<CUdeviceptr>& regions,
           const std::vector<std::vector<std::uint64_t>>& model) {
  std::vector<std::uint64_t> words(options.region_bytes / sizeof(std::uint64_t));
  std::size_t wrong = 0;
  for (int r = 0; r < options.regions; ++r) {
    const auto index = static_cast<std::size_t>(r);
    if (!ok(cuMemcpyDtoH(words.data(), regions[index], options.region_bytes), "cuMemcpyDtoH"))
      return false;
    for (std::size_t w = 0; w < words.size(); ++w) {
      const std::uint64_t expected =
          w % kWordsPerPage == 0 ? model[index][w / kWordsPerPage] : fill_word(r);
      if (words[w] == expected) continue;
      if (wrong++ < 5) {
        std::fprintf(stderr, "bench_swap: region %d word %zu is %#llx, expected %#llx\n", r, w,
                     static_cast<unsigned long long>(words[w]),
                     static_cast<unsigned long long>(expected));
      }
    }
  }
  if (wrong != 0) std::fprintf(stderr, "bench_swap: %zu words differ from the model\n", wrong);
  return wrong == 0;
}

double sum(const std::vector<double>& values) {
  double total = 0;
  for (double v : values) total += v;
  return total;
}

double median(std::vector<double> values) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  const std::size_t half = values.size() / 2;
  return values.size() % 2 != 0 ? values[half] : (values[half - 1] + values[half]) / 2;
}

void print_result(const Options& options, std::int64_t wall_ns, const CopyMirror* mirror) {
  std::printf(
      "{\"mode\":\"%s\",\"remap\":%s,\"regions\":%d,\"region_bytes\":%zu,\"rounds\":%d,\"wall_ns\":"
      "%lld",
      name_of(options.mode), options.remap ? "true" : "false", options.regions,
      options.region_bytes, options.rounds, static_cast<long long>(wall_ns));
  if (mirror != nullptr) {
    std::printf(
        ",\"d2h_bytes\":%llu,\"d2h_ns\":%.0f,\"d2h_median_ns\":%.0f,\"h2d_bytes\":%llu,"
        "\"h2d_ns\":%.0f,\"h2d_median_ns\":%.0f",
        static_cast<unsigned long long>(mirror->bytes_each_way()), sum(mirror->to_host()),
        median(mirror->to_host()), static_cast<unsigned long long>(mirror->bytes_each_way()),
        sum(mirror->to_device()), median(mirror->to_device()));
  }
  std::printf(",\"check\":\"ok\"}\n");
}

int run(const Options& options) {
  const bool copies = options.mode == Mode::kCopies;
  CUdevice device = 0;
  CUmodule module = nullptr;
  CUfunction touch = nullptr;
  CUstream stream = nullptr;
  if (!gpuswap::bench::start_primary_context("bench_swap", &device) ||
      !ok(static_cast<CUresult>(
              cudasimRegisterKernel("bench_swap", "touch_pages", touch_pages, TouchLayout::count,
                                    TouchLayout::offsets.data(), TouchLayout::sizes.data())),
          "cudasimRegisterKernel") ||
      !ok(cuModuleLoadData(&module, cudasimModuleImage("bench_swap")), "cuModuleLoadData") ||
      !ok(cuModuleGetFunction(&touch, module, "touch_pages"), "cuModuleGetFunction") ||
      !ok(cuStreamCreate(&stream, CU_STREAM_NON_BLOCKING), "cuStreamCreate")) {
    return 1;
  }
  const std::size_t pages = options.region_bytes / kPageBytes;
  std::vector<CUdeviceptr> regions(static_cast<std::size_t>(options.regions));
  std::vector<std::vector<std::uint64_t>> model(regions.size());
  DeviceRegions memory(options, device);
  for (int r = 0; r < options.regions; ++r) {
    const auto index = static_cast<std::size_t>(r);
    if (!memory.allocate(&regions[index])) {
      if (!copies) {
        std::fprintf(stderr,
                     "bench_swap: the regions exceed the device; --mode swap runs under "
                     "LD_PRELOAD=libgpuswap.so\n");
      }
      return 1;
    }
    if (!ok(cuMemsetD32Async(regions[index], fill_of(r), options.region_bytes / 4, stream),
            "cuMemsetD32Async")) {
      return 1;
    }
    model[index].assign(pages, fill_word(r));
  }
  if (!ok(cuStreamSynchronize(stream), "cuStreamSynchronize")) return 1;
  CopyMirror mirror;
  if (copies && (!mirror.set_up(options) || !mirror.copy_out_all(regions, options.region_bytes))) {
    return 1;
  }
  // The regions the first round restores start out evicted.
  for (int r = 0; r < options.regions - options.resident; ++r) {
    if (!memory.unmap(r)) return 1;
  }

  const auto started = std::chrono::steady_clock::now();
  for (int round = 0; round < options.rounds; ++round) {
    for (int r = 0; r < options.regions; ++r) {
      const auto index = static_cast<std::size_t>(r);
      const int victim = victim_of(options, r);
      if (copies && !mirror.swap(memory, victim, regions[static_cast<std::size_t>(victim)], r,
                                 regions[index], options.region_bytes, stream)) {
        return 1;
      }
      std::uint64_t bytes = options.region_bytes;
      int region_arg = r;
      int round_arg = round;
      void* params[] = {&regions[index], &bytes, &region_arg, &round_arg};
      if (!ok(cuLaunchKernel(touch, 1, 1, 1, 1, 1, 1, 0, stream, params, nullptr),
              "cuLaunchKernel")) {
        return 1;
      }
      for (std::size_t page = 0; page < pages; ++page)
        model[index][page] = step(model[index][page], salt_of(r, round, page));
    }
  }
  if (!ok(cuStreamSynchronize(stream), "cuStreamSynchronize")) return 1;
  if (copies && !mirror.finish()) return 1;
  const auto wall_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(
                           std::chrono::steady_clock::now() - started)
                           .count();

  for (int r = 0; r < options.regions; ++r) {
    if (!memory.map(r)) return 1;
  }
  if (!check(options, regions, model)) return 1;
  print_result(options, wall_ns, copies ? &mirror : nullptr);
  return ok(cuStreamDestroy(stream), "cuStreamDestroy") ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  Options options;
  if (!parse(argc, argv, &options)) {
    std::fprintf(stderr,
                 "usage: bench_swap [--mode swap|copies] [--regions N] [--region-size 8MiB] "
                 "[--rounds N] [--resident N] [--remap]\n");
    return 2;
  }
  return run(options);
}
