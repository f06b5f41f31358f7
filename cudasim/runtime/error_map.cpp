#include "error_map.h"

namespace cudasim::rt {
namespace {

// X(error, description): every cudaError_t of CUDA 13 with what it means.
#define CUDASIM_RUNTIME_ERRORS(X)                                                                  \
  X(cudaSuccess, "no error")                                                                       \
  X(cudaErrorInvalidValue, "invalid argument")                                                     \
  X(cudaErrorMemoryAllocation, "out of memory")                                                    \
  X(cudaErrorInitializationError, "initialization error")                                          \
  X(cudaErrorCudartUnloading, "driver shutting down")                                              \
  X(cudaErrorProfilerDisabled, "profiler disabled while using external profiling tool")            \
  X(cudaErrorProfilerNotInitialized, "profiler not initialized")                                   \
  X(cudaErrorProfilerAlreadyStarted, "profiler already started")                                   \
  X(cudaErrorProfilerAlreadyStopped, "profiler already stopped")                                   \
  X(cudaErrorInvalidConfiguration, "invalid configuration argument")                               \
  X(cudaErrorInvalidPitchValue, "invalid pitch argument")                                          \
  X(cudaErrorInvalidSymbol, "invalid device symbol")                                               \
  X(cudaErrorInvalidHostPointer, "invalid host pointer")                                           \
  X(cudaErrorInvalidDevicePointer, "invalid device pointer")                                       \
  X(cudaErrorInvalidTexture, "invalid texture reference")                                          \
  X(cudaErrorInvalidTextureBinding, "texture is not bound to a pointer")                           \
  X(cudaErrorInvalidChannelDescriptor, "invalid channel descriptor")                               \
  X(cudaErrorInvalidMemcpyDirection, "invalid copy direction for memcpy")                          \
  X(cudaErrorAddressOfConstant, "invalid address of constant")                                     \
  X(cudaErrorTextureFetchFailed, "fetch from texture failed")                                      \
  X(cudaErrorTextureNotBound, "cannot fetch from a texture that is not bound")                     \
  X(cudaErrorSynchronizationError, "incorrect use of __syncthreads()")                             \
  X(cudaErrorInvalidFilterSetting, "linear filtering not supported for non-float type")            \
  X(cudaErrorInvalidNormSetting, "read as normalized float not supported for 32-bit non-float")    \
  X(cudaErrorMixedDeviceExecution, "device emulation mode and device execution mode mixed")        \
  X(cudaErrorNotYetImplemented, "function not yet implemented")                                    \
  X(cudaErrorMemoryValueTooLarge, "memory size or pointer value too large for the device")         \
  X(cudaErrorStubLibrary, "the CUDA driver is a stub library")                                     \
  X(cudaErrorInsufficientDriver, "CUDA driver version is insufficient for CUDA runtime version")   \
  X(cudaErrorCallRequiresNewerDriver, "the call needs a newer CUDA driver")                        \
  X(cudaErrorInvalidSurface, "invalid surface reference")                                          \
  X(cudaErrorDuplicateVariableName, "duplicate global variable looked up by string name")          \
  X(cudaErrorDuplicateTextureName, "duplicate texture looked up by string name")                   \
  X(cudaErrorDuplicateSurfaceName, "duplicate surface looked up by string name")                   \
  X(cudaErrorDevicesUnavailable, "CUDA-capable device(s) is/are busy or unavailable")              \
  X(cudaErrorIncompatibleDriverContext, "the current context is incompatible with the runtime")    \
  X(cudaErrorMissingConfiguration, "missing launch configuration")                                 \
  X(cudaErrorPriorLaunchFailure, "a prior launch failed")                                          \
  X(cudaErrorLaunchMaxDepthExceeded, "launch exceeded the maximum nesting depth")                  \
  X(cudaErrorLaunchFileScopedTex, "launch uses file-scoped textures, unsupported by the device")   \
  X(cudaErrorLaunchFileScopedSurf, "launch uses file-scoped surfaces, unsupported by the device")  \
  X(cudaErrorSyncDepthExceeded, "device-side synchronize exceeded the maximum depth")              \
  X(cudaErrorLaunchPendingCountExceeded, "too many pending device-side launches")                  \
  X(cudaErrorInvalidDeviceFunction, "invalid device function")                                     \
  X(cudaErrorNoDevice, "no CUDA-capable device is detected")                                       \
  X(cudaErrorInvalidDevice, "invalid device ordinal")                                              \
  X(cudaErrorDeviceNotLicensed, "device doesn't have valid Grid license")                          \
  X(cudaErrorSoftwareValidityNotEstablished, "integrity checks of the software stack failed")      \
  X(cudaErrorStartupFailure, "startup failure in cuda runtime")                                    \
  X(cudaErrorInvalidKernelImage, "device kernel image is invalid")                                 \
  X(cudaErrorDeviceUninitialized, "invalid device context")                                        \
  X(cudaErrorMapBufferObjectFailed, "mapping of buffer object failed")                             \
  X(cudaErrorUnmapBufferObjectFailed, "unmapping of buffer object failed")                         \
  X(cudaErrorArrayIsMapped, "array is mapped")                                                     \
  X(cudaErrorAlreadyMapped, "resource already mapped")                                             \
  X(cudaErrorNoKernelImageForDevice, "no kernel image is available for execution on the device")   \
  X(cudaErrorAlreadyAcquired, "resource already acquired")                                         \
  X(cudaErrorNotMapped, "resource not mapped")                                                     \
  X(cudaErrorNotMappedAsArray, "resource not mapped as array")                                     \
  X(cudaErrorNotMappedAsPointer, "resource not mapped as pointer")                                 \
  X(cudaErrorECCUncorrectable, "uncorrectable ECC error encountered")                              \
  X(cudaErrorUnsupportedLimit, "limit is not supported on this architecture")                      \
  X(cudaErrorDeviceAlreadyInUse, "exclusive-thread device already in use by a different thread")   \
  X(cudaErrorPeerAccessUnsupported, "peer access is not supported between these two devices")      \
  X(cudaErrorInvalidPtx, "a PTX JIT compilation failed")                                           \
  X(cudaErrorInvalidGraphicsContext, "invalid OpenGL or DirectX context")                          \
  X(cudaErrorNvlinkUncorrectable, "uncorrectable NVLink error detected during the execution")      \
  X(cudaErrorJitCompilerNotFound, "PTX JIT compiler library not found")                            \
  X(cudaErrorUnsupportedPtxVersion, "the provided PTX was compiled with an unsupported toolchain") \
  X(cudaErrorJitCompilationDisabled, "PTX JIT compilation was disabled")                           \
  X(cudaErrorUnsupportedExecAffinity, "the provided execution affinity is not supported")          \
  X(cudaErrorUnsupportedDevSideSync, "device-side synchronize is not supported by this module")    \
  X(cudaErrorContained, "a contained error occurred in device code")                               \
  X(cudaErrorInvalidSource, "device kernel image is invalid")                                      \
  X(cudaErrorFileNotFound, "file not found")                                                       \
  X(cudaErrorSharedObjectSymbolNotFound, "shared object symbol not found")                         \
  X(cudaErrorSharedObjectInitFailed, "shared object initialization failed")                        \
  X(cudaErrorOperatingSystem, "OS call failed or operation not supported on this OS")              \
  X(cudaErrorInvalidResourceHandle, "invalid resource handle")                                     \
  X(cudaErrorIllegalState, "the operation is not permitted in the current state")                  \
  X(cudaErrorLossyQuery, "the attribute query cannot be answered without loss")                    \
  X(cudaErrorSymbolNotFound, "named symbol not found")                                             \
  X(cudaErrorNotReady, "device not ready")                                                         \
  X(cudaErrorIllegalAddress, "an illegal memory access was encountered")                           \
  X(cudaErrorLaunchOutOfResources, "too many resources requested for launch")                      \
  X(cudaErrorLaunchTimeout, "the launch timed out and was terminated")                             \
  X(cudaErrorLaunchIncompatibleTexturing, "launch uses incompatible texturing mode")               \
  X(cudaErrorPeerAccessAlreadyEnabled, "peer access is already enabled")                           \
  X(cudaErrorPeerAccessNotEnabled, "peer access has not been enabled")                             \
  X(cudaErrorSetOnActiveProcess, "cannot set while device is active in this process")              \
  X(cudaErrorContextIsDestroyed, "context is destroyed")                                           \
  X(cudaErrorAssert, "device-side assert triggered")                                               \
  X(cudaErrorTooManyPeers, "peer mapping resources exhausted")                                     \
  X(cudaErrorHostMemoryAlreadyRegistered, "part or all of the host memory is already registered")  \
  X(cudaErrorHostMemoryNotRegistered, "the host pointer is not registered")                        \
  X(cudaErrorHardwareStackError, "hardware stack error")                                           \
  X(cudaErrorIllegalInstruction, "an illegal instruction was encountered")                         \
  X(cudaErrorMisalignedAddress, "misaligned address")                                              \
  X(cudaErrorInvalidAddressSpace, "operation not supported on global/shared address space")        \
  X(cudaErrorInvalidPc, "invalid program counter")                                                 \
  X(cudaErrorLaunchFailure, "unspecified launch failure")                                          \
  X(cudaErrorCooperativeLaunchTooLarge, "too many blocks in cooperative launch")                   \
  X(cudaErrorTensorMemoryLeak, "tensor memory was not freed before the kernel exited")             \
  X(cudaErrorNotPermitted, "operation not permitted")                                              \
  X(cudaErrorNotSupported, "operation not supported")                                              \
  X(cudaErrorSystemNotReady, "system not yet initialized")                                         \
  X(cudaErrorSystemDriverMismatch,                                                                 \
    "system has unsupported display driver / cuda driver combination")                             \
  X(cudaErrorCompatNotSupportedOnDevice,                                                           \
    "forward compatibility was attempted on non supported HW")                                     \
  X(cudaErrorMpsConnectionFailed, "MPS client failed to connect to the MPS control daemon")        \
  X(cudaErrorMpsRpcFailure, "the remote procedural call between the MPS server and client failed") \
  X(cudaErrorMpsServerNotReady, "MPS server is not ready to accept new clients")                   \
  X(cudaErrorMpsMaxClientsReached, "the hardware resources required by MPS are exhausted")         \
  X(cudaErrorMpsMaxConnectionsReached, "the MPS client connections are exhausted")                 \
  X(cudaErrorMpsClientTerminated, "the MPS client was terminated by the server")                   \
  X(cudaErrorCdpNotSupported, "the module uses CUDA dynamic parallelism, not supported here")      \
  X(cudaErrorCdpVersionMismatch, "a dynamic parallelism version mismatch between modules")         \
  X(cudaErrorStreamCaptureUnsupported, "operation not permitted when stream is capturing")         \
  X(cudaErrorStreamCaptureInvalidated, "operation failed due to a previous error during capture")  \
  X(cudaErrorStreamCaptureMerge,                                                                   \
    "operation would result in a merge of separate capture sequences")                             \
  X(cudaErrorStreamCaptureUnmatched, "capture was not ended in the same stream as it began")       \
  X(cudaErrorStreamCaptureUnjoined, "capturing stream has unjoined work")                          \
  X(cudaErrorStreamCaptureIsolation, "dependency created on uncaptured work in another stream")    \
  X(cudaErrorStreamCaptureImplicit, "operation would make the legacy stream depend on a capture")  \
  X(cudaErrorCapturedEvent, "operation not permitted on an event last recorded in a capture")      \
  X(cudaErrorStreamCaptureWrongThread,                                                             \
    "attempt to terminate a thread-local capture sequence from another thread")                    \
  X(cudaErrorTimeout, "wait operation timed out")                                                  \
  X(cudaErrorGraphExecUpdateFailure, "the graph update was not performed")                         \
  X(cudaErrorExternalDevice, "an async error occurred in an external entity outside of CUDA")      \
  X(cudaErrorInvalidClusterSize,                                                                   \
    "a kernel launch error has occurred due to cluster misconfiguration")                          \
  X(cudaErrorFunctionNotLoaded, "the function handle is not loaded")                               \
  X(cudaErrorInvalidResourceType, "one or more resources passed in are not valid resource types")  \
  X(cudaErrorInvalidResourceConfiguration,                                                         \
    "the resources cannot be used together or as configured")                                      \
  X(cudaErrorUnknown, "unknown error")

}  // namespace

cudaError_t to_cuda_error(CUresult result) noexcept {
  switch (result) {
    case CUDA_SUCCESS:
      return cudaSuccess;
    case CUDA_ERROR_INVALID_VALUE:
      return cudaErrorInvalidValue;
    case CUDA_ERROR_OUT_OF_MEMORY:
      return cudaErrorMemoryAllocation;
    case CUDA_ERROR_NOT_INITIALIZED:
      return cudaErrorInitializationError;
    case CUDA_ERROR_DEINITIALIZED:
      return cudaErrorCudartUnloading;
    case CUDA_ERROR_PROFILER_DISABLED:
      return cudaErrorProfilerDisabled;
    case CUDA_ERROR_PROFILER_NOT_INITIALIZED:
      return cudaErrorProfilerNotInitialized;
    case CUDA_ERROR_PROFILER_ALREADY_STARTED:
      return cudaErrorProfilerAlreadyStarted;
    case CUDA_ERROR_PROFILER_ALREADY_STOPPED:
      return cudaErrorProfilerAlreadyStopped;
    case CUDA_ERROR_STUB_LIBRARY:
      return cudaErrorStubLibrary;
    case CUDA_ERROR_CALL_REQUIRES_NEWER_DRIVER:
      return cudaErrorCallRequiresNewerDriver;
    case CUDA_ERROR_DEVICE_UNAVAILABLE:
      return cudaErrorDevicesUnavailable;
    case CUDA_ERROR_NO_DEVICE:
      return cudaErrorNoDevice;
    case CUDA_ERROR_INVALID_DEVICE:
      return cudaErrorInvalidDevice;
    case CUDA_ERROR_DEVICE_NOT_LICENSED:
      return cudaErrorDeviceNotLicensed;
    case CUDA_ERROR_INVALID_IMAGE:
      return cudaErrorInvalidKernelImage;
    case CUDA_ERROR_INVALID_CONTEXT:
      return cudaErrorDeviceUninitialized;
    case CUDA_ERROR_MAP_FAILED:
      return cudaErrorMapBufferObjectFailed;
    case CUDA_ERROR_UNMAP_FAILED:
      return cudaErrorUnmapBufferObjectFailed;
    case CUDA_ERROR_ARRAY_IS_MAPPED:
      return cudaErrorArrayIsMapped;
    case CUDA_ERROR_ALREADY_MAPPED:
      return cudaErrorAlreadyMapped;
    case CUDA_ERROR_NO_BINARY_FOR_GPU:
      return cudaErrorNoKernelImageForDevice;
    case CUDA_ERROR_ALREADY_ACQUIRED:
      return cudaErrorAlreadyAcquired;
    case CUDA_ERROR_NOT_MAPPED:
      return cudaErrorNotMapped;
    case CUDA_ERROR_NOT_MAPPED_AS_ARRAY:
      return cudaErrorNotMappedAsArray;
    case CUDA_ERROR_NOT_MAPPED_AS_POINTER:
      return cudaErrorNotMappedAsPointer;
    case CUDA_ERROR_ECC_UNCORRECTABLE:
      return cudaErrorECCUncorrectable;
    case CUDA_ERROR_UNSUPPORTED_LIMIT:
      return cudaErrorUnsupportedLimit;
    case CUDA_ERROR_CONTEXT_ALREADY_IN_USE:
      return cudaErrorDeviceAlreadyInUse;
    case CUDA_ERROR_PEER_ACCESS_UNSUPPORTED:
      return cudaErrorPeerAccessUnsupported;
    case CUDA_ERROR_INVALID_PTX:
      return cudaErrorInvalidPtx;
    case CUDA_ERROR_INVALID_GRAPHICS_CONTEXT:
      return cudaErrorInvalidGraphicsContext;
    case CUDA_ERROR_NVLINK_UNCORRECTABLE:
      return cudaErrorNvlinkUncorrectable;
    case CUDA_ERROR_JIT_COMPILER_NOT_FOUND:
      return cudaErrorJitCompilerNotFound;
    case CUDA_ERROR_UNSUPPORTED_PTX_VERSION:
      return cudaErrorUnsupportedPtxVersion;
    case CUDA_ERROR_JIT_COMPILATION_DISABLED:
      return cudaErrorJitCompilationDisabled;
    case CUDA_ERROR_UNSUPPORTED_EXEC_AFFINITY:
      return cudaErrorUnsupportedExecAffinity;
    case CUDA_ERROR_UNSUPPORTED_DEVSIDE_SYNC:
      return cudaErrorUnsupportedDevSideSync;
    case CUDA_ERROR_CONTAINED:
      return cudaErrorContained;
    case CUDA_ERROR_INVALID_SOURCE:
      return cudaErrorInvalidSource;
    case CUDA_ERROR_FILE_NOT_FOUND:
      return cudaErrorFileNotFound;
    case CUDA_ERROR_SHARED_OBJECT_SYMBOL_NOT_FOUND:
      return cudaErrorSharedObjectSymbolNotFound;
    case CUDA_ERROR_SHARED_OBJECT_INIT_FAILED:
      return cudaErrorSharedObjectInitFailed;
    case CUDA_ERROR_OPERATING_SYSTEM:
      return cudaErrorOperatingSystem;
    case CUDA_ERROR_INVALID_HANDLE:
      return cudaErrorInvalidResourceHandle;
    case CUDA_ERROR_ILLEGAL_STATE:
      return cudaErrorIllegalState;
    case CUDA_ERROR_LOSSY_QUERY:
      return cudaErrorLossyQuery;
    case CUDA_ERROR_NOT_FOUND:
      return cudaErrorSymbolNotFound;
    case CUDA_ERROR_NOT_READY:
      return cudaErrorNotReady;
    case CUDA_ERROR_ILLEGAL_ADDRESS:
      return cudaErrorIllegalAddress;
    case CUDA_ERROR_LAUNCH_OUT_OF_RESOURCES:
      return cudaErrorLaunchOutOfResources;
    case CUDA_ERROR_LAUNCH_TIMEOUT:
      return cudaErrorLaunchTimeout;
    case CUDA_ERROR_LAUNCH_INCOMPATIBLE_TEXTURING:
      return cudaErrorLaunchIncompatibleTexturing;
    case CUDA_ERROR_PEER_ACCESS_ALREADY_ENABLED:
      return cudaErrorPeerAccessAlreadyEnabled;
    case CUDA_ERROR_PEER_ACCESS_NOT_ENABLED:
      return cudaErrorPeerAccessNotEnabled;
    case CUDA_ERROR_PRIMARY_CONTEXT_ACTIVE:
      return cudaErrorSetOnActiveProcess;
    case CUDA_ERROR_CONTEXT_IS_DESTROYED:
      return cudaErrorContextIsDestroyed;
    case CUDA_ERROR_ASSERT:
      return cudaErrorAssert;
    case CUDA_ERROR_TOO_MANY_PEERS:
      return cudaErrorTooManyPeers;
    case CUDA_ERROR_HOST_MEMORY_ALREADY_REGISTERED:
      return cudaErrorHostMemoryAlreadyRegistered;
    case CUDA_ERROR_HOST_MEMORY_NOT_REGISTERED:
      return cudaErrorHostMemoryNotRegistered;
    case CUDA_ERROR_HARDWARE_STACK_ERROR:
      return cudaErrorHardwareStackError;
    case CUDA_ERROR_ILLEGAL_INSTRUCTION:
      return cudaErrorIllegalInstruction;
    case CUDA_ERROR_MISALIGNED_ADDRESS:
      return cudaErrorMisalignedAddress;
    case CUDA_ERROR_INVALID_ADDRESS_SPACE:
      return cudaErrorInvalidAddressSpace;
    case CUDA_ERROR_INVALID_PC:
      return cudaErrorInvalidPc;
    case CUDA_ERROR_LAUNCH_FAILED:
      return cudaErrorLaunchFailure;
    case CUDA_ERROR_COOPERATIVE_LAUNCH_TOO_LARGE:
      return cudaErrorCooperativeLaunchTooLarge;
    case CUDA_ERROR_TENSOR_MEMORY_LEAK:
      return cudaErrorTensorMemoryLeak;
    case CUDA_ERROR_NOT_PERMITTED:
      return cudaErrorNotPermitted;
    case CUDA_ERROR_NOT_SUPPORTED:
      return cudaErrorNotSupported;
    case CUDA_ERROR_SYSTEM_NOT_READY:
      return cudaErrorSystemNotReady;
    case CUDA_ERROR_SYSTEM_DRIVER_MISMATCH:
      return cudaErrorSystemDriverMismatch;
    case CUDA_ERROR_COMPAT_NOT_SUPPORTED_ON_DEVICE:
      return cudaErrorCompatNotSupportedOnDevice;
    case CUDA_ERROR_MPS_CONNECTION_FAILED:
      return cudaErrorMpsConnectionFailed;
    case CUDA_ERROR_MPS_RPC_FAILURE:
      return cudaErrorMpsRpcFailure;
    case CUDA_ERROR_MPS_SERVER_NOT_READY:
      return cudaErrorMpsServerNotReady;
    case CUDA_ERROR_MPS_MAX_CLIENTS_REACHED:
      return cudaErrorMpsMaxClientsReached;
    case CUDA_ERROR_MPS_MAX_CONNECTIONS_REACHED:
      return cudaErrorMpsMaxConnectionsReached;
    case CUDA_ERROR_MPS_CLIENT_TERMINATED:
      return cudaErrorMpsClientTerminated;
    case CUDA_ERROR_CDP_NOT_SUPPORTED:
      return cudaErrorCdpNotSupported;
    case CUDA_ERROR_CDP_VERSION_MISMATCH:
      return cudaErrorCdpVersionMismatch;
    case CUDA_ERROR_STREAM_CAPTURE_UNSUPPORTED:
      return cudaErrorStreamCaptureUnsupported;
    case CUDA_ERROR_STREAM_CAPTURE_INVALIDATED:
      return cudaErrorStreamCaptureInvalidated;
    case CUDA_ERROR_STREAM_CAPTURE_MERGE:
      return cudaErrorStreamCaptureMerge;
    case CUDA_ERROR_STREAM_CAPTURE_UNMATCHED:
      return cudaErrorStreamCaptureUnmatched;
    case CUDA_ERROR_STREAM_CAPTURE_UNJOINED:
      return cudaErrorStreamCaptureUnjoined;
    case CUDA_ERROR_STREAM_CAPTURE_ISOLATION:
      return cudaErrorStreamCaptureIsolation;
    case CUDA_ERROR_STREAM_CAPTURE_IMPLICIT:
      return cudaErrorStreamCaptureImplicit;
    case CUDA_ERROR_CAPTURED_EVENT:
      return cudaErrorCapturedEvent;
    case CUDA_ERROR_STREAM_CAPTURE_WRONG_THREAD:
      return cudaErrorStreamCaptureWrongThread;
    case CUDA_ERROR_TIMEOUT:
      return cudaErrorTimeout;
    case CUDA_ERROR_GRAPH_EXEC_UPDATE_FAILURE:
      return cudaErrorGraphExecUpdateFailure;
    case CUDA_ERROR_EXTERNAL_DEVICE:
      return cudaErrorExternalDevice;
    case CUDA_ERROR_INVALID_CLUSTER_SIZE:
      return cudaErrorInvalidClusterSize;
    case CUDA_ERROR_FUNCTION_NOT_LOADED:
      return cudaErrorFunctionNotLoaded;
    case CUDA_ERROR_INVALID_RESOURCE_TYPE:
      return cudaErrorInvalidResourceType;
    case CUDA_ERROR_INVALID_RESOURCE_CONFIGURATION:
      return cudaErrorInvalidResourceConfiguration;
    default:
      return cudaErrorUnknown;  // CONTEXT_ALREADY_CURRENT, KEY_ROTATION, UNKNOWN, ...
  }
}

bool is_sticky(cudaError_t error) noexcept {
  switch (error) {
    case cudaErrorIllegalAddress:
    case cudaErrorLaunchTimeout:
    case cudaErrorHardwareStackError:
    case cudaErrorIllegalInstruction:
    case cudaErrorMisalignedAddress:
    case cudaErrorInvalidAddressSpace:
    case cudaErrorInvalidPc:
    case cudaErrorLaunchFailure:
    case cudaErrorAssert:
    case cudaErrorECCUncorrectable:
    case cudaErrorNvlinkUncorrectable:
    case cudaErrorContained:
      return true;
    default:
      return false;
  }
}

const char* error_name(cudaError_t error) noexcept {
  switch (error) {
#define CUDASIM_ERROR_NAME(code, description) \
  case code:                                  \
    return #code;
    CUDASIM_RUNTIME_ERRORS(CUDASIM_ERROR_NAME)
#undef CUDASIM_ERROR_NAME
    default:
      return nullptr;
  }
}

const char* error_description(cudaError_t error) noexcept {
  switch (error) {
#define CUDASIM_ERROR_DESCRIPTION(code, description) \
  case code:                                         \
    return description;
    CUDASIM_RUNTIME_ERRORS(CUDASIM_ERROR_DESCRIPTION)
#undef CUDASIM_ERROR_DESCRIPTION
    default:
      return nullptr;
  }
}

}  // namespace cudasim::rt
