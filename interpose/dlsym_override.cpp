// The exported dlsym and dlopen.
//
// dlsym: a program (or the CUDA runtime) that looks a driver function up by
// name gets the hook; every other lookup is glibc's, unchanged. Both entry
// points are small assembly stubs because glibc resolves RTLD_NEXT (dlsym)
// and the RUNPATH search (dlopen) relative to the *caller's* address: the
// stubs tail-jump into glibc with the caller's return address still on the
// stack, so glibc sees the original caller, not the shim.
//
// dlopen is only observed: when a program loads libcuda.so.1 the shim
// decides its mode first, so that a missing driver is reported (one line)
// even by a runtime that then gives up without ever calling dlsym.
//
// Both are exported under the two glibc version nodes programs reference:
// GLIBC_2.2.5 (linked before glibc 2.34) and GLIBC_2.34 (the default since).

#include <cstring>

#include "libc_entry_points.h"
#include "pass_through_mode.h"
#include "proc_address_routing.h"
#include "real_functions.h"

#if !defined(__x86_64__)
#error "the dlsym/dlopen entry stubs are written for x86-64 only"
#endif

namespace gpuswap::interpose {
namespace {

bool is_driver_library(const char* file) {
  const char* slash = std::strrchr(file, '/');
  const char* base = slash != nullptr ? slash + 1 : file;
  return std::strcmp(base, "libcuda.so.1") == 0 || std::strcmp(base, "libcuda.so") == 0;
}

}  // namespace
}  // namespace gpuswap::interpose

extern "C" {

// Called from the stubs only; hidden like everything but the hooks.
void* gpuswap_dlsym_route(void* handle, const char* name) noexcept;
void* gpuswap_next_dlsym() noexcept;
void* gpuswap_dlopen_prepare(const char* file, int mode) noexcept;

GPUSWAP_UNINSTRUMENTED void* gpuswap_dlsym_route(void* handle, const char* name) noexcept {
  using namespace gpuswap::interpose;
  return route_dlsym(name, libc_entry_points().dlsym(handle, name));
}

GPUSWAP_UNINSTRUMENTED void* gpuswap_next_dlsym() noexcept {
  return reinterpret_cast<void*>(gpuswap::interpose::libc_entry_points().dlsym);
}

void* gpuswap_dlopen_prepare(const char* file, int) noexcept {
  using namespace gpuswap::interpose;
  if (file != nullptr && is_driver_library(file) && !real::loading_on_this_thread()) {
    (void)current_mode();
  }
  return reinterpret_cast<void*>(libc_entry_points().dlopen);
}

}  // extern "C"

// dlsym(RTLD_NEXT, ...) goes to glibc directly (the caller's address
// decides where "next" starts); other handles go through the router.
// dlopen asks gpuswap_dlopen_prepare for glibc's dlopen, then jumps to it.
// Stack at entry is 8 mod 16; two pushes and 8 bytes realign it for the call.
asm(R"(
  .text
  .p2align 4
  .globl gpuswap_dlsym_225
  .globl gpuswap_dlsym_234
  .type gpuswap_dlsym_225, @function
  .type gpuswap_dlsym_234, @function
gpuswap_dlsym_225:
gpuswap_dlsym_234:
  .cfi_startproc
  cmpq $-1, %rdi
  jne gpuswap_dlsym_route
  pushq %rdi
  .cfi_adjust_cfa_offset 8
  pushq %rsi
  .cfi_adjust_cfa_offset 8
  subq $8, %rsp
  .cfi_adjust_cfa_offset 8
  call gpuswap_next_dlsym
  addq $8, %rsp
  .cfi_adjust_cfa_offset -8
  popq %rsi
  .cfi_adjust_cfa_offset -8
  popq %rdi
  .cfi_adjust_cfa_offset -8
  jmp *%rax
  .cfi_endproc
  .size gpuswap_dlsym_225, .-gpuswap_dlsym_225
  .size gpuswap_dlsym_234, .-gpuswap_dlsym_234
  .symver gpuswap_dlsym_225, dlsym@GLIBC_2.2.5
  .symver gpuswap_dlsym_234, dlsym@@GLIBC_2.34

  .p2align 4
  .globl gpuswap_dlopen_225
  .globl gpuswap_dlopen_234
  .type gpuswap_dlopen_225, @function
  .type gpuswap_dlopen_234, @function
gpuswap_dlopen_225:
gpuswap_dlopen_234:
  .cfi_startproc
  pushq %rdi
  .cfi_adjust_cfa_offset 8
  pushq %rsi
  .cfi_adjust_cfa_offset 8
  subq $8, %rsp
  .cfi_adjust_cfa_offset 8
  call gpuswap_dlopen_prepare
  addq $8, %rsp
  .cfi_adjust_cfa_offset -8
  popq %rsi
  .cfi_adjust_cfa_offset -8
  popq %rdi
  .cfi_adjust_cfa_offset -8
  jmp *%rax
  .cfi_endproc
  .size gpuswap_dlopen_225, .-gpuswap_dlopen_225
  .size gpuswap_dlopen_234, .-gpuswap_dlopen_234
  .symver gpuswap_dlopen_225, dlopen@GLIBC_2.2.5
  .symver gpuswap_dlopen_234, dlopen@@GLIBC_2.34
)");
