// test_fft.cpp: the FFT plans against a direct DFT evaluated in long double, round trips,
// Parseval, real against complex paths, vector against scalar kernels, plan caching.
#include <cmath>
#include <cstdint>
#include <cstring>
#include <random>
#include <vector>

#include "dsp/fft/fft.h"
#include "dsp/fft/split_dft.h"
#include "test_support.h"

using amp::dsp::FftPlan;

namespace {

typedef long double Real;
const Real kTwoPi = 6.283185307179586476925286766559005768L;

std::vector<double> random_values(std::size_t count, uint32_t seed) {
    std::mt19937_64 engine(seed);
    std::uniform_real_distribution<double> uniform(-1.0, 1.0);
    std::vector<double> values(count);
    for (double &v : values) v = uniform(engine);
    return values;
}

// cos and sin of 2 pi t / n for t < n in long double, for the last n asked for.
const std::vector<Real> &roots(std::size_t n) {
    static std::size_t cached_n = 0;
    static std::vector<Real> table;
    if (cached_n != n) {
        table.resize(2 * n);
        for (std::size_t t = 0; t < n; ++t) {
            const Real angle = kTwoPi * static_cast<Real>(t) / static_cast<Real>(n);
            table[2 * t] = cosl(angle);
            table[2 * t + 1] = sinl(angle);
        }
        cached_n = n;
    }
    return table;
}

// Bin k of the DFT of interleaved complex x (n points), sign -1 forward, +1 inverse (unscaled).
void direct_bin(const std::vector<double> &x, std::size_t n, std::size_t k, int sign, Real *re,
                Real *im) {
    const std::vector<Real> &table = roots(n);
    Real sum_re = 0, sum_im = 0;
    std::size_t t = 0; // j k mod n
    for (std::size_t j = 0; j < n; ++j) {
        const Real c = table[2 * t], s = sign * table[2 * t + 1];
        sum_re += x[2 * j] * c - x[2 * j + 1] * s;
        sum_im += x[2 * j] * s + x[2 * j + 1] * c;
        t += k;
        if (t >= n) t -= n;
    }
    *re = sum_re;
    *im = sum_im;
}

// Norm-wise relative error ||got - want|| / ||want|| over the given bins.
struct ErrorNorm {
    Real error = 0, reference = 0;
    void add(double got_re, double got_im, Real want_re, Real want_im) {
        error += (got_re - want_re) * (got_re - want_re) + (got_im - want_im) * (got_im - want_im);
        reference += want_re * want_re + want_im * want_im;
    }
    double relative() const {
        return reference == 0 ? static_cast<double>(sqrtl(error))
                              : static_cast<double>(sqrtl(error / reference));
    }
};

std::vector<double> run(const FftPlan &plan, const std::vector<double> &in, bool inverse) {
    const std::size_t n = plan.size();
    const std::size_t out_size = plan.is_real() ? (inverse ? n : 2 * (n / 2 + 1)) : 2 * n;
    std::vector<double> out(out_size), scratch(plan.scratch_doubles());
    if (inverse)
        plan.inverse(in.data(), out.data(), scratch.data());
    else
        plan.forward(in.data(), out.data(), scratch.data());
    return out;
}

std::vector<double> as_complex(const std::vector<double> &real) {
    std::vector<double> x(2 * real.size(), 0.0);
    for (std::size_t j = 0; j < real.size(); ++j) x[2 * j] = real[j];
    return x;
}

std::vector<std::size_t> exact_sizes() {
    std::vector<std::size_t> sizes;
    for (std::size_t n = 1; n <= 128; ++n) sizes.push_back(n);
    for (std::size_t n : {97u, 1009u, 4096u, 3072u}) sizes.push_back(n);
    return sizes;
}

// Checks every bin (bins empty) or the given bins of forward and inverse, complex and real.
void check_against_direct(std::size_t n, const std::vector<std::size_t> &bins, double tolerance) {
    const std::vector<double> x = random_values(2 * n, static_cast<uint32_t>(n));
    const std::vector<double> real_x = random_values(n, static_cast<uint32_t>(n) + 7u);
    const std::vector<double> real_as_complex = as_complex(real_x);
    const auto complex_plan = FftPlan::complex(n);
    const auto real_plan = FftPlan::real(n);
    const std::vector<double> forward = run(*complex_plan, x, false);
    const std::vector<double> inverse = run(*complex_plan, x, true);
    const std::vector<double> real_forward = run(*real_plan, real_x, false);
    std::vector<std::size_t> all = bins;
    if (all.empty())
        for (std::size_t k = 0; k < n; ++k) all.push_back(k);
    ErrorNorm e_forward, e_inverse, e_real;
    for (std::size_t k : all) {
        Real re, im;
        direct_bin(x, n, k, -1, &re, &im);
        e_forward.add(forward[2 * k], forward[2 * k + 1], re, im);
        direct_bin(x, n, k, +1, &re, &im);
        e_inverse.add(inverse[2 * k], inverse[2 * k + 1], re / n, im / n);
        if (k <= n / 2) {
            direct_bin(real_as_complex, n, k, -1, &re, &im);
            e_real.add(real_forward[2 * k], real_forward[2 * k + 1], re, im);
        }
    }
    const double errors[] = {e_forward.relative(), e_inverse.relative(), e_real.relative()};
    const char *names[] = {"complex forward", "complex inverse", "real forward"};
    for (int i = 0; i < 3; ++i)
        if (!(errors[i] <= tolerance)) {
            std::printf("  n=%zu %s relative error %.3g\n", n, names[i], errors[i]);
            amp_test::failures()++;
        }
}

TEST(every_size_to_128_and_selected_sizes_match_the_long_double_dft) {
    for (std::size_t n : exact_sizes()) check_against_direct(n, {}, 1e-12);
}

TEST(real_inverse_matches_the_long_double_dft_of_the_hermitian_spectrum) {
    for (std::size_t n : exact_sizes()) {
        // A Hermitian spectrum from a real signal's bins, with junk in the ignored parts.
        std::vector<double> half = random_values(2 * (n / 2 + 1), static_cast<uint32_t>(n) + 3u);
        std::vector<double> full(2 * n);
        for (std::size_t k = 0; k < n; ++k) {
            const std::size_t m = k <= n / 2 ? k : n - k;
            full[2 * k] = half[2 * m];
            full[2 * k + 1] = k <= n / 2 ? half[2 * m + 1] : -half[2 * m + 1];
        }
        full[1] = 0.0;
        if (n % 2 == 0) full[n + 1] = 0.0;
        const std::vector<double> got = run(*FftPlan::real(n), half, true);
        ErrorNorm error;
        for (std::size_t j = 0; j < n; ++j) {
            Real re, im;
            direct_bin(full, n, j, +1, &re, &im);
            error.add(got[j], 0.0, re / n, 0.0L);
        }
        if (!(error.relative() <= 1e-12)) {
            std::printf("  n=%zu real inverse relative error %.3g\n", n, error.relative());
            amp_test::failures()++;
        }
    }
}

TEST(large_sizes_match_the_long_double_dft_at_64_random_bins) {
    for (std::size_t n : {65521u, 1048576u, 48000u, 44100u}) {
        std::mt19937_64 engine(n);
        std::vector<std::size_t> bins;
        for (int i = 0; i < 64; ++i) bins.push_back(engine() % n);
        bins.push_back(0);
        bins.push_back(n / 2);
        check_against_direct(n, bins, 1e-12);
    }
}

TEST(inverse_of_forward_is_the_identity_and_parseval_holds) {
    std::vector<std::size_t> sizes = exact_sizes();
    for (std::size_t n : {65521u, 1048576u, 48000u, 44100u}) sizes.push_back(n);
    for (std::size_t n : sizes) {
        const std::vector<double> x = random_values(2 * n, static_cast<uint32_t>(n) + 11u);
        const auto plan = FftPlan::complex(n);
        const std::vector<double> spectrum = run(*plan, x, false);
        const std::vector<double> back = run(*plan, spectrum, true);
        const std::vector<double> real_x(x.begin(), x.begin() + static_cast<std::ptrdiff_t>(n));
        const auto real_plan = FftPlan::real(n);
        const std::vector<double> real_back = run(*real_plan, run(*real_plan, real_x, false), true);
        double worst = 0.0;
        for (std::size_t j = 0; j < 2 * n; ++j) worst = std::fmax(worst, std::fabs(back[j] - x[j]));
        for (std::size_t j = 0; j < n; ++j)
            worst = std::fmax(worst, std::fabs(real_back[j] - real_x[j]));
        Real energy = 0, spectral = 0;
        for (std::size_t j = 0; j < 2 * n; ++j) energy += static_cast<Real>(x[j]) * x[j];
        for (std::size_t k = 0; k < 2 * n; ++k)
            spectral += static_cast<Real>(spectrum[k]) * spectrum[k];
        const double parseval =
            static_cast<double>(fabsl(spectral / static_cast<Real>(n) - energy) / energy);
        if (!(worst <= 1e-13) || !(parseval <= 1e-13)) {
            std::printf("  n=%zu round trip %.3g parseval %.3g\n", n, worst, parseval);
            amp_test::failures()++;
        }
    }
}

TEST(real_and_complex_paths_agree) {
    std::vector<std::size_t> sizes = exact_sizes();
    for (std::size_t n : {48000u, 44100u, 65536u}) sizes.push_back(n);
    for (std::size_t n : sizes) {
        const std::vector<double> x = random_values(n, static_cast<uint32_t>(n) + 5u);
        const std::vector<double> via_complex = run(*FftPlan::complex(n), as_complex(x), false);
        const std::vector<double> via_real = run(*FftPlan::real(n), x, false);
        ErrorNorm forward;
        for (std::size_t k = 0; k <= n / 2; ++k)
            forward.add(via_real[2 * k], via_real[2 * k + 1], via_complex[2 * k],
                        via_complex[2 * k + 1]);
        const std::vector<double> back_complex = run(*FftPlan::complex(n), via_complex, true);
        const std::vector<double> back_real = run(*FftPlan::real(n), via_real, true);
        ErrorNorm inverse;
        for (std::size_t j = 0; j < n; ++j)
            inverse.add(back_real[j], 0.0, back_complex[2 * j], 0.0L);
        if (!(forward.relative() <= 1e-13) || !(inverse.relative() <= 1e-13)) {
            std::printf("  n=%zu forward %.3g inverse %.3g\n", n, forward.relative(),
                        inverse.relative());
            amp_test::failures()++;
        }
    }
}

TEST(vector_kernels_give_the_same_bits_as_the_scalar_kernels) {
    using amp::dsp::fft::make_stockham;
    for (std::size_t n : {16u, 64u, 256u, 512u, 1024u, 4096u, 24000u, 32768u, 48000u, 3u * 1024u}) {
        const auto fast = make_stockham(n, true), scalar = make_stockham(n, false);
        const std::vector<double> x = random_values(2 * n, static_cast<uint32_t>(n) + 13u);
        std::vector<double> a(2 * n), b(2 * n), work(fast->work_doubles());
        fast->forward(x.data(), x.data() + n, a.data(), a.data() + n, work.data());
        scalar->forward(x.data(), x.data() + n, b.data(), b.data() + n, work.data());
        double worst = 0.0, scale = 0.0;
        for (std::size_t k = 0; k < 2 * n; ++k) {
            worst = std::fmax(worst, std::fabs(a[k] - b[k]));
            scale = std::fmax(scale, std::fabs(b[k]));
        }
        CHECK(worst <= 1e-15 * scale);
        CHECK(std::memcmp(a.data(), b.data(), a.size() * sizeof(double)) == 0);
        // Interleaved input (read by the fused first stage), plain and with parts swapped.
        std::vector<double> interleaved(2 * n), c(2 * n), d(2 * n);
        for (std::size_t k = 0; k < n; ++k) {
            interleaved[2 * k] = x[k];
            interleaved[2 * k + 1] = x[n + k];
        }
        fast->forward_interleaved(interleaved.data(), false, c.data(), c.data() + n, work.data());
        scalar->forward_interleaved(interleaved.data(), false, d.data(), d.data() + n, work.data());
        CHECK(std::memcmp(c.data(), b.data(), b.size() * sizeof(double)) == 0);
        CHECK(std::memcmp(d.data(), b.data(), b.size() * sizeof(double)) == 0);
        fast->forward_interleaved(interleaved.data(), true, c.data(), c.data() + n, work.data());
        scalar->forward(x.data() + n, x.data(), d.data(), d.data() + n, work.data());
        CHECK(std::memcmp(c.data(), d.data(), d.size() * sizeof(double)) == 0);
        // Interleaved output (written by the last stage), forward and scaled inverse.
        std::vector<double> e(2 * n), f(2 * n);
        fast->transform_interleaved(interleaved.data(), e.data(), false, 1.0, work.data());
        scalar->transform_interleaved(interleaved.data(), f.data(), false, 1.0, work.data());
        for (std::size_t k = 0; k < n; ++k) CHECK(e[2 * k] == b[k] && e[2 * k + 1] == b[n + k]);
        CHECK(std::memcmp(e.data(), f.data(), e.size() * sizeof(double)) == 0);
        fast->transform_interleaved(interleaved.data(), e.data(), true, 0.25, work.data());
        scalar->transform_interleaved(interleaved.data(), f.data(), true, 0.25, work.data());
        for (std::size_t k = 0; k < n; ++k)
            CHECK(e[2 * k] == d[n + k] * 0.25 && e[2 * k + 1] == d[k] * 0.25);
        CHECK(std::memcmp(e.data(), f.data(), e.size() * sizeof(double)) == 0);
    }
}

TEST(complex_plans_may_run_in_place_and_repeat_bit_for_bit) {
    for (std::size_t n : {12u, 1024u, 1009u}) {
        const auto plan = FftPlan::complex(n);
        const std::vector<double> x = random_values(2 * n, 99u);
        const std::vector<double> once = run(*plan, x, false);
        const std::vector<double> twice = run(*plan, x, false);
        std::vector<double> in_place = x, scratch(plan->scratch_doubles());
        plan->forward(in_place.data(), in_place.data(), scratch.data());
        CHECK(std::memcmp(once.data(), twice.data(), once.size() * sizeof(double)) == 0);
        CHECK(std::memcmp(once.data(), in_place.data(), once.size() * sizeof(double)) == 0);
    }
}

TEST(plans_are_cached_per_size_and_kind) {
    CHECK(FftPlan::complex(1024).get() == FftPlan::complex(1024).get());
    CHECK(FftPlan::real(1024).get() == FftPlan::real(1024).get());
    CHECK(FftPlan::real(1024).get() != FftPlan::complex(1024).get());
    CHECK(FftPlan::real(1024)->is_real());
    CHECK(FftPlan::complex(77)->size() == 77);
    // More sizes than a thread remembers: the process-wide cache still returns the same plans.
    const FftPlan *first = FftPlan::complex(1024).get();
    for (std::size_t n = 2; n < 40; ++n) CHECK(FftPlan::real(n)->size() == n);
    CHECK(FftPlan::complex(1024).get() == first);
    CHECK(FftPlan::real(39).get() == FftPlan::real(39).get());
}

TEST(exact_values_for_simple_inputs) {
    // An impulse transforms to all ones; a constant to n at bin 0 and exact zeros elsewhere
    // (exact for radix 2, 3, 4 and 8 butterflies; radix 5 rounds its cosines).
    for (std::size_t n : {8u, 48u, 96u, 1024u}) {
        std::vector<double> impulse(n, 0.0), constant(n, 1.0);
        impulse[0] = 1.0;
        const std::vector<double> flat = run(*FftPlan::real(n), impulse, false);
        const std::vector<double> dc = run(*FftPlan::real(n), constant, false);
        for (std::size_t k = 0; k <= n / 2; ++k) {
            CHECK(flat[2 * k] == 1.0 && flat[2 * k + 1] == 0.0);
            CHECK(dc[2 * k] == (k == 0 ? static_cast<double>(n) : 0.0) && dc[2 * k + 1] == 0.0);
        }
    }
}

TEST(c_abi_transforms_match_the_plans) {
    for (uint32_t n : {1u, 6u, 97u, 1024u, 48000u}) {
        const std::vector<double> x = random_values(2 * n, n + 21u);
        const std::vector<double> real_x(x.begin(), x.begin() + n);
        std::vector<double> out(2 * n + 2), back(2 * n);
        CHECK_EQ(amp_fft_complex_forward(n, x.data(), out.data()), AMP_OK);
        CHECK(std::memcmp(out.data(), run(*FftPlan::complex(n), x, false).data(),
                          2 * n * sizeof(double)) == 0);
        CHECK_EQ(amp_fft_complex_inverse(n, out.data(), back.data()), AMP_OK);
        CHECK(std::memcmp(back.data(), run(*FftPlan::complex(n), out, true).data(),
                          2 * n * sizeof(double)) == 0);
        CHECK_EQ(amp_fft_real_forward(n, real_x.data(), out.data()), AMP_OK);
        const std::vector<double> bins = run(*FftPlan::real(n), real_x, false);
        CHECK(std::memcmp(out.data(), bins.data(), bins.size() * sizeof(double)) == 0);
        CHECK_EQ(amp_fft_real_inverse(n, bins.data(), back.data()), AMP_OK);
        CHECK(std::memcmp(back.data(), run(*FftPlan::real(n), bins, true).data(),
                          n * sizeof(double)) == 0);
    }
}

TEST(c_abi_refuses_bad_sizes_null_pointers_and_non_finite_input) {
    std::vector<double> in(64, 0.25), out(64, 7.0);
    AmpErrorView error{};
    CHECK_EQ(amp_fft_complex_forward(0, in.data(), out.data()), AMP_ERR_INVALID_ARGUMENT);
    CHECK_EQ(amp_fft_last_error(&error), AMP_ERR_INVALID_ARGUMENT);
    CHECK_CONTAINS(std::string(error.stage), "fft");
    CHECK_CONTAINS(std::string(error.detail), "size n must be an integer in [1, 16777216], got 0");
    CHECK_EQ(amp_fft_real_forward(AMP_FFT_MAX_SIZE + 1, in.data(), out.data()),
             AMP_ERR_INVALID_ARGUMENT);
    CHECK_EQ(amp_fft_real_inverse(8, nullptr, out.data()), AMP_ERR_INVALID_ARGUMENT);
    amp_fft_last_error(&error);
    CHECK_CONTAINS(std::string(error.detail), "amp_fft_real_inverse: in is NULL");
    in[5] = std::nan("");
    CHECK_EQ(amp_fft_real_forward(8, in.data(), out.data()), AMP_ERR_INVALID_ARGUMENT);
    amp_fft_last_error(&error);
    CHECK_CONTAINS(std::string(error.detail), "in[5] is NaN");
    in[5] = 0.25;
    in[9] = -INFINITY;
    CHECK_EQ(amp_fft_real_inverse(16, in.data(), out.data()), AMP_ERR_INVALID_ARGUMENT);
    amp_fft_last_error(&error);
    CHECK_CONTAINS(std::string(error.detail), "in[9] is -Infinity");
    // in[9] is bin 4's imaginary part for n = 8: ignored by the transform, still refused when
    // not finite; a real forward of n = 8 reads in[0..7] only.
    CHECK_EQ(amp_fft_real_inverse(8, in.data(), out.data()), AMP_ERR_INVALID_ARGUMENT);
    CHECK_EQ(amp_fft_real_forward(8, in.data(), out.data()), AMP_OK);
    for (double v : out) CHECK(std::isfinite(v));
    // A failing call writes nothing.
    std::vector<double> untouched(64, 7.0);
    CHECK_EQ(amp_fft_complex_forward(32, in.data(), untouched.data()), AMP_ERR_INVALID_ARGUMENT);
    for (double v : untouched) CHECK(v == 7.0);
}

} // namespace

AMP_TEST_MAIN()
