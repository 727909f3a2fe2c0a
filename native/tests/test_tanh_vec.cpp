// test_tanh_vec.cpp: dsp::tanh_vec against std::tanh: relative error within 6e-16 (3 ulp) over
// [-25, 25] (dense near 0, across the k = round(2|x| / ln2) boundaries and into saturation),
// odd, exactly 0 at 0, exactly +-1 far out.
#include <cmath>
#include <cstdio>

#include "dsp/tanh_vec.h"
#include "test_support.h"

TEST(tanh_vec_matches_std_tanh_within_6e_16_relative) {
    double worst = 0.0, worst_x = 0.0;
    auto check = [&](double x) {
        const double exact = std::tanh(x);
        const double error = std::fabs(amp::dsp::tanh_vec(x) - exact) / std::fabs(exact);
        if (error > worst) {
            worst = error;
            worst_x = x;
        }
    };
    for (int i = 1; i <= 200000; ++i) check(25.0 * i / 200000.0); // [0, 25]
    for (int i = 1; i <= 100000; ++i) check(-0.5 * i / 100000.0); // near 0, negative
    for (int e = -300; e <= 0; ++e) check(std::ldexp(1.2345, e)); // tiny values
    for (int k = 1; k < 60; ++k) {                                // k boundaries
        const double edge = (k + 0.5) * 0.6931471805599453 / 2.0;
        for (int j = -3; j <= 3; ++j) check(edge + j * 1e-12);
    }
    std::printf("  worst relative error %.3g at x = %.17g\n", worst, worst_x);
    CHECK(worst <= 6e-16);
    CHECK_EQ(amp::dsp::tanh_vec(0.0), 0.0);
    CHECK_EQ(amp::dsp::tanh_vec(30.0), 1.0);
    CHECK_EQ(amp::dsp::tanh_vec(-1e300), -1.0);
    CHECK_EQ(amp::dsp::tanh_vec(-0.7), -amp::dsp::tanh_vec(0.7));
}

AMP_TEST_MAIN()
