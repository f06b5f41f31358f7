// What the preloaded dlsym probe (dlsym_probe.cpp) reports. A test finds these
// with dlsym(RTLD_DEFAULT, ...) when the probe is preloaded.
#pragma once

extern "C" {
// Every name passed to dlsym, in order.
typedef int (*dlsymProbeNames_t)(const char* const** names);
// Every symbol asked of cuGetProcAddress_v2, in order.
typedef int (*dlsymProbeProcNames_t)(const char* const** names);
// Calls made through the pointers cuGetProcAddress returned for cuMemAlloc
// and cuLaunchKernel.
typedef int (*dlsymProbeMemAllocCalls_t)();
typedef int (*dlsymProbeLaunchCalls_t)();
}
