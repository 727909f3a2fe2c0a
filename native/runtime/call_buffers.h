// call_buffers.h: the runtime allocator of the buffers amp_run_node / amp_run_node_v2 return
// through `double **out` (released with amp_free, which call_buffers.cpp defines).
//
// A host calls a node once per frame or per short window and frees the output right after: a
// general-purpose malloc + free pair costs more than the call's own work at one frame. Each
// thread keeps a small cache of freed buffers by size class (powers of two, 1 to kMaxCachedDoubles
// doubles; at most kCachedPerClass buffers per class, so a thread keeps at most ~512 KiB), so the
// steady state of a loop "call, read, amp_free" allocates nothing from the system.
//
// Contract:
// - acquire_call_buffer(count) returns room for `count` doubles (count 0: one double), 16-byte
//   aligned, NOT initialised: the caller writes every element it returns (or zeroes them).
//   Throws std::bad_alloc when the system allocator fails.
// - release_call_buffer / amp_free accept null (no-op) and buffers from acquire_call_buffer made
//   on ANY thread: a buffer freed on another thread goes to that thread's cache (the cache holds
//   plain malloc blocks, owned by no thread). A second release of a buffer that sits in a cache
//   is ignored (its header says so); any other use after release is the caller's error.
// - A thread's cached buffers return to the system when the thread exits (the main thread's at
//   exit()); buffers above kMaxCachedDoubles are never cached.
// - In AddressSanitizer builds a cached buffer is poisoned, so a use after amp_free is reported.
#pragma once

#include <cstddef>
#include <cstdint>

namespace amp {

constexpr size_t kMaxCachedDoubles = size_t{1} << 13; // 64 KiB
constexpr uint32_t kCachedPerClass = 4;

double *acquire_call_buffer(size_t count);
void release_call_buffer(double *buffer) noexcept;

// Buffers held by the calling thread's cache (tests).
uint32_t cached_call_buffers() noexcept;

} // namespace amp
