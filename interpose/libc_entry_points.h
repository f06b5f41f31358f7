// glibc's own dlsym and dlopen. The shim exports both names, so every call it
// makes to the dynamic linker goes through these pointers: a plain dlsym or
// dlopen inside the library would land in its own override.
#pragma once

// A sanitizer runtime preloaded ahead of the shim looks up the functions it
// intercepts with dlsym(RTLD_NEXT, ...) while it initialises, before its
// shadow memory exists; the shim's code on that path must not be
// instrumented.
#define GPUSWAP_UNINSTRUMENTED __attribute__((no_sanitize("address", "undefined", "thread")))

namespace gpuswap::interpose {

struct LibcEntryPoints {
  void* (*dlsym)(void* handle, const char* name) = nullptr;
  void* (*dlopen)(const char* file, int mode) = nullptr;
};

// Resolved once (pthread_once), with dlvsym(RTLD_NEXT, ..., "GLIBC_2.2.5")
// and the GLIBC_2.34 node as the fallback. Never null after return on glibc.
GPUSWAP_UNINSTRUMENTED const LibcEntryPoints& libc_entry_points() noexcept;

}  // namespace gpuswap::interpose
