// call_buffers.cpp: see call_buffers.h.
//
// Layout of a block: a 16-byte header (capacity in doubles, a tag) followed by the doubles the
// caller sees. The tag says whether the block is handed out (kLive) or sits in a cache
// (kCached); a free list links cached blocks through their first double.
#include "runtime/call_buffers.h"

#include <cstdlib>
#include <new>

#include "amp_native.h"

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/asan_interface.h>
#define AMP_POISON(p, n) ASAN_POISON_MEMORY_REGION((p), (n))
#define AMP_UNPOISON(p, n) ASAN_UNPOISON_MEMORY_REGION((p), (n))
#else
#define AMP_POISON(p, n) ((void)(p), (void)(n))
#define AMP_UNPOISON(p, n) ((void)(p), (void)(n))
#endif

namespace amp {

namespace {

// Header tags (arbitrary distinct values).
constexpr uint32_t kLive = 0x4556494cu;
constexpr uint32_t kCached = 0x48434143u;
constexpr uint32_t kClasses = 14; // capacities 2^0 .. 2^13 doubles
static_assert((size_t{1} << (kClasses - 1)) == kMaxCachedDoubles, "classes cover the cache");

struct alignas(16) Header {
    uint64_t capacity;   // doubles after the header
    uint32_t size_class; // k for a capacity of 2^k <= kMaxCachedDoubles, else kClasses
    uint32_t tag;        // kLive or kCached
};
static_assert(sizeof(Header) == 16, "the payload stays 16-byte aligned");

Header *header_of(double *buffer) { return reinterpret_cast<Header *>(buffer) - 1; }
double *payload_of(Header *header) { return reinterpret_cast<double *>(header + 1); }

// Trivial (zero-initialised, no constructor or destructor), so reading it costs no TLS guard;
// the Drain object below empties it when the thread exits.
enum : uint8_t { kUnregistered, kCaching, kClosed };
struct ThreadCache {
    Header *heads[kClasses];  // free lists (next block in the payload's first double)
    uint8_t counts[kClasses]; // blocks in each list
    // kUnregistered: the thread's Drain does not exist yet; kCaching: it does; kClosed: the
    // thread is exiting (its Drain ran) and releases go to the system.
    uint8_t mode;
};
__thread ThreadCache t_cache;

Header *&next_of(Header *header) { return *reinterpret_cast<Header **>(header + 1); }

void drain(ThreadCache &cache) noexcept {
    for (uint32_t k = 0; k < kClasses; ++k) {
        Header *block = cache.heads[k];
        while (block != nullptr) {
            AMP_UNPOISON(payload_of(block), sizeof(Header *));
            Header *next = next_of(block);
            AMP_UNPOISON(payload_of(block), block->capacity * sizeof(double));
            std::free(block);
            block = next;
        }
        cache.heads[k] = nullptr;
        cache.counts[k] = 0;
    }
}

struct Drain {
    ~Drain() {
        drain(t_cache);
        t_cache.mode = kClosed;
    }
};

// The first time a thread keeps a block: creates its Drain (a thread_local with a destructor,
// registered with the C++ runtime once per thread).
void register_drain() {
    thread_local Drain drain_at_exit;
    (void)&drain_at_exit;
    t_cache.mode = kCaching;
}

// The class of a request: the smallest k with 2^k >= count.
inline uint32_t class_of(size_t count) {
    return count <= 1 ? 0u : static_cast<uint32_t>(64 - __builtin_clzll(count - 1));
}

__attribute__((noinline)) double *fresh_block(size_t capacity, uint32_t size_class) {
    void *memory = std::malloc(sizeof(Header) + capacity * sizeof(double));
    if (memory == nullptr) throw std::bad_alloc();
    auto *header = static_cast<Header *>(memory);
    header->capacity = capacity;
    header->size_class = size_class;
    header->tag = kLive;
    return payload_of(header);
}

} // namespace

double *acquire_call_buffer(size_t count) {
    if (count > kMaxCachedDoubles) {
        if (count > (SIZE_MAX - sizeof(Header)) / sizeof(double)) throw std::bad_alloc();
        return fresh_block(count, kClasses);
    }
    const uint32_t k = class_of(count);
    ThreadCache &cache = t_cache;
    Header *block = cache.heads[k];
    if (block == nullptr) return fresh_block(size_t{1} << k, k);
    AMP_UNPOISON(payload_of(block), block->capacity * sizeof(double));
    cache.heads[k] = next_of(block);
    --cache.counts[k];
    block->tag = kLive;
    return payload_of(block);
}

namespace {

// Keeps a block in the cache of class k (room checked by the caller).
inline void keep(ThreadCache &cache, Header *block, uint32_t k) {
    block->tag = kCached;
    next_of(block) = cache.heads[k];
    cache.heads[k] = block;
    ++cache.counts[k];
    AMP_POISON(payload_of(block), block->capacity * sizeof(double));
}

// release_call_buffer's other cases: a block too large to cache, a full class, a thread whose
// cache is not registered yet or is closed.
__attribute__((noinline, cold)) void release_slowly(Header *block) noexcept {
    ThreadCache &cache = t_cache;
    const uint32_t k = block->size_class;
    if (k < kClasses && cache.counts[k] < kCachedPerClass && cache.mode != kClosed) {
        try {
            if (cache.mode == kUnregistered) register_drain();
            keep(cache, block, k);
            return;
        } catch (...) { // the Drain could not be registered: no cache on this thread
        }
    }
    block->tag = 0;
    std::free(block);
}

} // namespace

void release_call_buffer(double *buffer) noexcept {
    if (buffer == nullptr) return;
    Header *block = header_of(buffer);
    if (block->tag != kLive) return; // released already: ignored
    const uint32_t k = block->size_class;
    ThreadCache &cache = t_cache;
    if (k < kClasses && cache.counts[k] < kCachedPerClass && cache.mode == kCaching)
        keep(cache, block, k);
    else
        release_slowly(block);
}

uint32_t cached_call_buffers() noexcept {
    uint32_t total = 0;
    for (uint32_t k = 0; k < kClasses; ++k) total += t_cache.counts[k];
    return total;
}

} // namespace amp

extern "C" void amp_free(double *buffer) { amp::release_call_buffer(buffer); }
