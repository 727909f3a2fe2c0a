// test_fft_allocations.cpp: executing an FFT plan allocates nothing. Every heap allocation of
// the process goes through the counting malloc family below (operator new calls malloc in
// libstdc++); the count must not move while forward()/inverse() run, after planning.
#include <cstdlib>
#include <vector>

#include "dsp/fft/fft.h"
#include "test_support.h"

extern "C" {
void *__libc_malloc(size_t size);
void *__libc_calloc(size_t count, size_t size);
void *__libc_realloc(void *pointer, size_t size);
void *__libc_memalign(size_t alignment, size_t size);
void __libc_free(void *pointer);
}

namespace {
volatile long g_allocations = 0;
} // namespace

extern "C" {
void *malloc(size_t size) {
    ++g_allocations;
    return __libc_malloc(size);
}
void *calloc(size_t count, size_t size) {
    ++g_allocations;
    return __libc_calloc(count, size);
}
void *realloc(void *pointer, size_t size) {
    ++g_allocations;
    return __libc_realloc(pointer, size);
}
void *memalign(size_t alignment, size_t size) {
    ++g_allocations;
    return __libc_memalign(alignment, size);
}
int posix_memalign(void **out, size_t alignment, size_t size) {
    ++g_allocations;
    *out = __libc_memalign(alignment, size);
    return *out != nullptr ? 0 : 12;
}
void *aligned_alloc(size_t alignment, size_t size) {
    ++g_allocations;
    return __libc_memalign(alignment, size);
}
void free(void *pointer) { __libc_free(pointer); }
}

namespace {

TEST(counting_malloc_sees_allocations) {
    const long before = g_allocations;
    std::vector<double> probe(100);
    CHECK(g_allocations > before);
}

TEST(transforms_allocate_nothing_after_planning) {
    // Stockham (powers of two, mixed 3 and 5), Bluestein (prime, 7^2), even and odd real sizes.
    for (std::size_t n : {1u, 2u, 15u, 256u, 1024u, 4096u, 48000u, 65536u, 97u, 1009u, 44100u}) {
        for (bool real : {false, true}) {
            const auto plan = real ? amp::dsp::FftPlan::real(n) : amp::dsp::FftPlan::complex(n);
            std::vector<double> in(2 * n + 2, 0.5), out(2 * n + 2),
                scratch(plan->scratch_doubles());
            const long before = g_allocations;
            for (int round = 0; round < 3; ++round) {
                plan->forward(in.data(), out.data(), scratch.data());
                plan->inverse(out.data(), in.data(), scratch.data());
            }
            if (g_allocations != before) {
                std::printf("  n=%zu real=%d allocated %ld times\n", n, real ? 1 : 0,
                            g_allocations - before);
                amp_test::failures()++;
            }
        }
    }
}

} // namespace

AMP_TEST_MAIN()
