// A memory barrier that one thread issues on behalf of every thread of the
// process (Linux membarrier, "private expedited"): when it returns, each
// other thread of the process has passed a full memory barrier.
//
// Why: a launch marks its thread busy and then reads what an eviction may
// have changed; the eviction changes it and then reads who is busy. Each
// side needs its store ordered before its load, which costs the launch a
// locked instruction and a drain of its store buffer on every call. With
// this barrier the launch needs only a compiler barrier, and the eviction,
// which is rare and slow anyway, pays one system call instead.
#pragma once

namespace gpuswap::runtime {

// Registers the process for the barrier (once; Linux 4.14 or later).
// False when the kernel does not offer it or refuses it (a seccomp filter):
// callers then order both sides with sequentially consistent accesses.
bool enable_process_barrier() noexcept;

// Issues the barrier. False when it could not be issued (the process is
// not registered: a forked child, whose registration did not carry over).
bool process_barrier() noexcept;

}  // namespace gpuswap::runtime
