// call_buffers.cpp: see call_buffers.h.
//
// Layout of a block: a 16-byte header (capacity in doubles, a tag) followed by the doubles the
// caller sees. The tag says whether the block is handed out (kLive; kLiveLarge above the cached
// classes) or sits in a cache (kCached); a free list links cached blocks through their first
// double.
#include "runtime/call_buffers.h"

#include <cstdlib>
#include <new>

#include "amp_native.h"

namespace amp {

namespace call_buffers_detail {
__thread ThreadCache t_cache;
} // namespace call_buffers_detail

namespace {

using namespace call_buffers_detail;

static_assert((size_t{1} << (kClasses - 1)) == kMaxCachedDoubles, "classes cover the cache");
static_assert(sizeof(Header) == 16, "the payload stays 16-byte aligned");

Header *header_of(double *buffer) { return reinterpret_cast<Header *>(buffer) - 1; }
double *payload_of(Header *header) { return reinterpret_cast<double *>(header + 1); }

Header *&next_of(Header *header) { return *reinterpret_cast<Header **>(header + 1); }

void drain(ThreadCache &cache) noexcept {
    if (slot_holds_block(cache.slot)) {
        AMP_UNPOISON(payload_of(cache.slot), cache.slot->capacity * sizeof(double));
        std::free(cache.slot);
    }
    cache.slot = nullptr; // no slot while closed
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
    t_cache.slot = vacant_slot();
}

__attribute__((noinline)) double *fresh_block(size_t capacity, uint32_t size_class) {
    void *memory = std::malloc(sizeof(Header) + capacity * sizeof(double));
    if (memory == nullptr) throw std::bad_alloc();
    auto *header = static_cast<Header *>(memory);
    header->capacity = capacity;
    header->size_class = size_class;
    header->tag = size_class < kClasses ? kLive : kLiveLarge;
    return payload_of(header);
}

} // namespace

double *call_buffers_detail::acquire_slowly(size_t count) {
    if (count > kMaxCachedDoubles) {
        if (count > (SIZE_MAX - sizeof(Header)) / sizeof(double)) throw std::bad_alloc();
        return fresh_block(count, kClasses);
    }
    const uint32_t k = class_of(count); // its cache is empty
    return fresh_block(size_t{1} << k, k);
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

// release_call_buffer's other cases for a block of a cached class (kLive): a full class, a thread
// whose cache is not registered yet or is closed.
__attribute__((noinline, cold)) void release_slowly(Header *block) noexcept {
    ThreadCache &cache = t_cache;
    const uint32_t k = block->size_class;
    if (cache.counts[k] < kCachedPerClass && cache.mode != kClosed) {
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

namespace {

// release_call_buffer when the slot is taken (a kLive block): the block's class list, or
// release_slowly.
__attribute__((noinline)) void release_to_lists(Header *block) noexcept {
    const uint32_t k = block->size_class;
    ThreadCache &cache = t_cache;
    if (cache.counts[k] < kCachedPerClass && cache.mode == kCaching)
        keep(cache, block, k);
    else
        release_slowly(block);
}

} // namespace

// A block too large to cache goes back to the system (release's other tag).
__attribute__((noinline, cold)) void release_large(Header *block) noexcept {
    if (block->tag != kLiveLarge) return; // released already: ignored
    block->tag = 0;
    std::free(block);
}

// release_call_buffer, inline in amp_free too (one call less per release).
inline void call_buffers_detail::release(double *buffer) noexcept {
    if (buffer == nullptr) return;
    Header *block = header_of(buffer);
    if (block->tag != kLive) return release_large(block); // or released already: ignored
    // The slot first (a loop holding one output at a time): no list, no count. A vacant slot
    // also says that the thread caches (ThreadCache::slot).
    if (t_cache.slot == vacant_slot()) {
        block->tag = kCached;
        t_cache.slot = block;
        AMP_POISON(payload_of(block), block->capacity * sizeof(double));
        return;
    }
    release_to_lists(block);
}

void release_call_buffer(double *buffer) noexcept { call_buffers_detail::release(buffer); }

uint32_t cached_call_buffers() noexcept {
    uint32_t total = slot_holds_block(t_cache.slot) ? 1 : 0;
    for (uint32_t k = 0; k < kClasses; ++k) total += t_cache.counts[k];
    return total;
}

} // namespace amp

extern "C" void amp_free(double *buffer) { amp::call_buffers_detail::release(buffer); }
