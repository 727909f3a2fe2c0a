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

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/asan_interface.h>
#define AMP_POISON(p, n) ASAN_POISON_MEMORY_REGION((p), (n))
#define AMP_UNPOISON(p, n) ASAN_UNPOISON_MEMORY_REGION((p), (n))
#else
#define AMP_POISON(p, n) ((void)(p), (void)(n))
#define AMP_UNPOISON(p, n) ((void)(p), (void)(n))
#endif

namespace amp {

constexpr size_t kMaxCachedDoubles = size_t{1} << 13; // 64 KiB
constexpr uint32_t kCachedPerClass = 4;

void release_call_buffer(double *buffer) noexcept;

namespace call_buffers_detail {

constexpr uint32_t kClasses = 14; // capacities 2^0 .. 2^13 doubles
// Header tags (arbitrary distinct values).
constexpr uint32_t kLive = 0x4556494cu;
constexpr uint32_t kCached = 0x48434143u;

struct alignas(16) Header {
    uint64_t capacity;   // doubles after the header
    uint32_t size_class; // k for a capacity of 2^k <= kMaxCachedDoubles, else kClasses
    uint32_t tag;        // kLive or kCached
};

enum : uint8_t { kUnregistered, kCaching, kClosed };
// Trivial (zero-initialised, no constructor or destructor: GNU __thread, no TLS guard); a
// thread_local Drain (call_buffers.cpp) empties it when the thread exits.
struct ThreadCache {
    Header *heads[kClasses];  // free lists (next block in the payload's first double)
    uint8_t counts[kClasses]; // blocks in each list
    // kUnregistered: the thread's Drain does not exist yet; kCaching: it does; kClosed: the
    // thread is exiting (its Drain ran) and releases go to the system.
    uint8_t mode;
};
extern __thread ThreadCache t_cache;

double *acquire_slowly(size_t count);

// The class of a request: the smallest k with 2^k >= count.
inline uint32_t class_of(size_t count) {
    return count <= 1 ? 0u : static_cast<uint32_t>(64 - __builtin_clzll(count - 1));
}

} // namespace call_buffers_detail

// The common case inline: a cached block of the request's class.
inline double *acquire_call_buffer(size_t count) {
    using namespace call_buffers_detail;
    if (count <= kMaxCachedDoubles) {
        // t_cache named directly, not through a reference: GCC's UBSan reports a reference to
        // an extern __thread object as null in a non-PIC translation unit (a false positive).
        const uint32_t k = class_of(count);
        Header *block = t_cache.heads[k];
        if (block != nullptr) {
            auto *payload = reinterpret_cast<double *>(block + 1);
            AMP_UNPOISON(payload, block->capacity * sizeof(double));
            t_cache.heads[k] = *reinterpret_cast<Header **>(payload);
            --t_cache.counts[k];
            block->tag = kLive;
            return payload;
        }
    }
    return acquire_slowly(count);
}

// Buffers held by the calling thread's cache (tests).
uint32_t cached_call_buffers() noexcept;

} // namespace amp
