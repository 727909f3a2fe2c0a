// call_buffers.h: the runtime allocator of the buffers amp_run_node / amp_run_node_v2 return
// through `double **out` (released with amp_free, which call_buffers.cpp defines).
//
// A host calls a node once per frame or per short window and frees the output right after: a
// general-purpose malloc + free pair costs more than the call's own work at one frame. Each
// thread keeps a small cache of freed buffers by size class (powers of two, 1 to kMaxCachedDoubles
// doubles; at most kCachedPerClass buffers per class, plus one block in a slot in front of the
// classes, so a thread keeps at most ~576 KiB), so the steady state of a loop "call, read,
// amp_free" allocates nothing from the system. The slot holds the last block released while it
// was empty: a loop that holds one output at a time takes it and puts it back in a few
// instructions, without the free lists.
//
// Contract:
// - acquire_call_buffer(count) returns room for `count` doubles (count 0: one double), 16-byte
//   aligned, NOT initialised: the caller writes every element it returns (or zeroes them).
//   Throws std::bad_alloc when the system allocator fails.
// - acquire_cached_call_buffer(count): the same from the calling thread's cache only; null (and
//   nothing changed) when the cache holds no block of the request's class. Never throws.
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
// Header tags (arbitrary distinct values). A handed-out block of a cached class is kLive, one
// too large to cache kLiveLarge (so a release tells the two apart by the tag it reads anyway).
constexpr uint32_t kLive = 0x4556494cu;
constexpr uint32_t kLiveLarge = 0x4752414cu;
constexpr uint32_t kCached = 0x48434143u;

struct alignas(16) Header {
    uint64_t capacity;   // doubles after the header
    uint32_t size_class; // k for a capacity of 2^k <= kMaxCachedDoubles, else kClasses
    uint32_t tag;        // kLive, kLiveLarge or kCached
};

enum : uint8_t { kUnregistered, kCaching, kClosed };
// Trivial (zero-initialised, no constructor or destructor: GNU __thread, no TLS guard); a
// thread_local Drain (call_buffers.cpp) empties it when the thread exits.
struct ThreadCache {
    // One cached block of any class (taken first); vacant_slot() when the thread caches and the
    // slot is empty; null while the thread's Drain does not exist yet or after it ran (so the
    // release's one comparison with vacant_slot() also says the thread caches).
    Header *slot;
    Header *heads[kClasses];  // free lists (next block in the payload's first double)
    uint8_t counts[kClasses]; // blocks in each list
    // kUnregistered: the thread's Drain does not exist yet; kCaching: it does; kClosed: the
    // thread is exiting (its Drain ran) and releases go to the system.
    uint8_t mode;
};
extern __thread ThreadCache t_cache;

// ThreadCache::slot's "caching, empty" value (never a block's address).
inline Header *vacant_slot() { return reinterpret_cast<Header *>(uintptr_t{1}); }
// True when the slot holds a block (neither null nor vacant_slot()).
inline bool slot_holds_block(const Header *slot) { return reinterpret_cast<uintptr_t>(slot) > 1; }

double *acquire_slowly(size_t count);
// release_call_buffer's body (call_buffers.cpp; amp_free runs it inline).
void release(double *buffer) noexcept;

// The class of a request: the smallest k with 2^k >= count.
inline uint32_t class_of(size_t count) {
    return count <= 1 ? 0u : static_cast<uint32_t>(64 - __builtin_clzll(count - 1));
}

} // namespace call_buffers_detail

// The size class of a request (cached when below call_buffers_detail::kClasses).
inline uint32_t call_buffer_class(size_t count) {
    return count > kMaxCachedDoubles ? call_buffers_detail::kClasses
                                     : call_buffers_detail::class_of(count);
}

// A cached block of size class k (call_buffer_class of the request: the slot's block, else
// its list's head), or null.
inline double *acquire_cached_call_buffer_of_class(uint32_t k) noexcept {
    using namespace call_buffers_detail;
    if (k >= kClasses) return nullptr;
    // t_cache named directly, not through a reference: GCC's UBSan reports a reference to an
    // extern __thread object as null in a non-PIC translation unit (a false positive).
    Header *block = t_cache.slot;
    if (slot_holds_block(block) && block->size_class == k) {
        t_cache.slot = vacant_slot();
    } else {
        block = t_cache.heads[k];
        if (block == nullptr) return nullptr;
        AMP_UNPOISON(block + 1, sizeof(Header *));
        t_cache.heads[k] = *reinterpret_cast<Header **>(block + 1);
        --t_cache.counts[k];
    }
    auto *payload = reinterpret_cast<double *>(block + 1);
    AMP_UNPOISON(payload, block->capacity * sizeof(double));
    block->tag = kLive;
    return payload;
}

// The slot's block when it is of size class k, else null (the slot alone: one thread-local
// access, for a loop that holds one output at a time).
inline double *acquire_slot_call_buffer_of_class(uint32_t k) noexcept {
    using namespace call_buffers_detail;
    Header *block = t_cache.slot;
    if (!slot_holds_block(block) || block->size_class != k) return nullptr;
    t_cache.slot = vacant_slot();
    auto *payload = reinterpret_cast<double *>(block + 1);
    AMP_UNPOISON(payload, block->capacity * sizeof(double));
    block->tag = kLive;
    return payload;
}

// A cached block for `count` doubles, or null.
inline double *acquire_cached_call_buffer(size_t count) noexcept {
    return acquire_cached_call_buffer_of_class(call_buffer_class(count));
}

// The common case inline: a cached block of the request's class.
inline double *acquire_call_buffer(size_t count) {
    double *cached = acquire_cached_call_buffer(count);
    return cached != nullptr ? cached : call_buffers_detail::acquire_slowly(count);
}

// Buffers held by the calling thread's cache (tests).
uint32_t cached_call_buffers() noexcept;

} // namespace amp
