// test_fft_allocations.cpp: executing an FFT plan allocates nothing. Every heap allocation of
// the process goes through the counting malloc family (counting_malloc.h) (operator new calls
// malloc in libstdc++); the count must not move while forward()/inverse() run, after planning.
#include <cstdlib>
#include <vector>

#include "counting_malloc.h"
#include "dsp/fft/fft.h"
#include "test_support.h"

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
