// glibc's own dlsym and dlopen. The shim exports both names, so every call it
// makes to the dynamic linker goes through these pointers: a plain dlsym or
// dlopen inside the library would land in its own override.
#pragma once

namespace gpuswap::interpose {

struct LibcEntryPoints {
  void* (*dlsym)(void* handle, const char* name) = nullptr;
  void* (*dlopen)(const char* file, int mode) = nullptr;
};

// Resolved once (pthread_once), with dlvsym(RTLD_NEXT, ..., "GLIBC_2.2.5")
// and the GLIBC_2.34 node as the fallback. Never null after return on glibc.
const LibcEntryPoints& libc_entry_points() noexcept;

}  // namespace gpuswap::interpose
