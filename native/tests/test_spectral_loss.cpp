// test_spectral_loss.cpp: amp_loss_spectral_l2 (the L2 distance between STFT magnitudes) against
// a reference computed here (direct DFT of each frame, the window written out), its gradient
// against central finite differences (single samples and a random direction), several sizes,
// hops and windows, two lanes; refusals.
#include <cmath>
#include <string>
#include <vector>

#include "finite_differences.h"
#include "node_harness.h"

using amp_test::noise;

namespace {

constexpr double kPi = 3.14159265358979323846;

// The loss by its definition: frames with size - hop zeros before the signal, a periodic
// window, the direct DFT, magnitudes over bins 0 .. size / 2.
double reference(const std::vector<double> &y, const std::vector<double> &target, size_t lanes,
                 size_t frames, size_t size, size_t hop, bool hann) {
    const size_t padding = size - hop, bins = size / 2 + 1;
    const size_t count = (frames - 1 + padding) / hop + 1;
    double total = 0.0;
    for (size_t lane = 0; lane < lanes; ++lane)
        for (size_t m = 0; m < count; ++m)
            for (size_t k = 0; k < bins; ++k) {
                double yr = 0, yi = 0, tr = 0, ti = 0;
                for (size_t j = 0; j < size; ++j) {
                    const long n = static_cast<long>(m * hop + j) - static_cast<long>(padding);
                    if (n < 0 || n >= static_cast<long>(frames)) continue;
                    const double n_size = static_cast<double>(size);
                    const double w =
                        hann ? 0.5 - 0.5 * std::cos(2 * kPi * static_cast<double>(j) / n_size)
                             : 1.0;
                    const double angle = -2 * kPi * static_cast<double>(j * k % size) / n_size;
                    yr += w * y[lane * frames + n] * std::cos(angle);
                    yi += w * y[lane * frames + n] * std::sin(angle);
                    tr += w * target[lane * frames + n] * std::cos(angle);
                    ti += w * target[lane * frames + n] * std::sin(angle);
                }
                const double e = std::hypot(yr, yi) - std::hypot(tr, ti);
                total += e * e;
            }
    return total / static_cast<double>(lanes * count * bins);
}

double loss_of(AmpSpectralLoss *plan, const std::vector<double> &y,
               const std::vector<double> &target, uint32_t lanes, uint64_t frames,
               double *gradient) {
    double value = 0.0;
    CHECK_EQ(amp_loss_spectral_l2(plan, y.data(), target.data(), lanes, frames, &value, gradient),
             AMP_OK);
    return value;
}

} // namespace

TEST(spectral_l2_matches_its_definition_and_finite_differences) {
    struct Case {
        uint32_t size, hop, window, frames;
    };
    for (const Case c : {Case{64, 16, AMP_WINDOW_HANN, 300}, Case{63, 20, AMP_WINDOW_RECT, 200},
                         Case{32, 32, AMP_WINDOW_HANN, 130}, Case{16, 5, AMP_WINDOW_RECT, 7}}) {
        const uint32_t lanes = 2;
        const std::vector<double> y = noise(lanes, 1, c.frames, 17 + c.size).data;
        const std::vector<double> target = noise(lanes, 1, c.frames, 29 + c.size).data;
        AmpSpectralLoss *plan = nullptr;
        CHECK_EQ(amp_loss_spectral_create(c.size, c.hop, c.window, 0.0, &plan), AMP_OK);
        std::vector<double> gradient(y.size());
        const double value = loss_of(plan, y, target, lanes, c.frames, gradient.data());
        const double expected =
            reference(y, target, lanes, c.frames, c.size, c.hop, c.window == AMP_WINDOW_HANN);
        std::printf("  size %u hop %u window %u: loss %.15g, reference %.15g\n", c.size, c.hop,
                    c.window, value, expected);
        CHECK(std::fabs(value - expected) <= 1e-12 * expected);
        // Central differences: single samples (first, middle, last of each lane) and a direction.
        const double h = 1e-6;
        auto at = [&](const std::vector<double> &x) {
            return loss_of(plan, x, target, lanes, c.frames, nullptr);
        };
        for (size_t i : {size_t{0}, static_cast<size_t>(c.frames / 2),
                         static_cast<size_t>(c.frames - 1), static_cast<size_t>(c.frames + 3)}) {
            std::vector<double> plus = y, minus = y;
            plus[i] += h;
            minus[i] -= h;
            const double numeric = (at(plus) - at(minus)) / (2 * h);
            const double scale = std::max(1e-3, std::fabs(numeric));
            if (std::fabs(gradient[i] - numeric) > 1e-5 * scale) {
                ++amp_test::failures();
                std::printf("  sample %zu: gradient %.12g, central differences %.12g\n", i,
                            gradient[i], numeric);
            }
        }
        const std::vector<double> e = noise(lanes, 1, c.frames, 5).data;
        const double analytic = amp_test::dot(gradient, e);
        const double numeric = amp_test::central_difference(y, e, h, at);
        std::printf("    along a direction: gradient %.12g, central differences %.12g\n", analytic,
                    numeric);
        CHECK(std::fabs(analytic - numeric) <= 1e-6 * std::fabs(numeric));
        // Equal signals: zero loss, zero gradient.
        CHECK_EQ(loss_of(plan, y, y, lanes, c.frames, gradient.data()), 0.0);
        for (double g : gradient) CHECK_EQ(g, 0.0);
        amp_loss_spectral_destroy(plan);
    }
}

TEST(spectral_l2_refuses_bad_arguments_with_a_message) {
    AmpSpectralLoss *plan = nullptr;
    AmpErrorView error{};
    CHECK_EQ(amp_loss_spectral_create(1, 1, AMP_WINDOW_HANN, 0.0, &plan), AMP_ERR_INVALID_ARGUMENT);
    amp_loss_last_error(&error);
    CHECK_CONTAINS(std::string(error.detail), "size expects an integer in [2, 16777216], got 1");
    CHECK_EQ(amp_loss_spectral_create(64, 65, AMP_WINDOW_HANN, 0.0, &plan),
             AMP_ERR_INVALID_ARGUMENT);
    amp_loss_last_error(&error);
    CHECK_CONTAINS(std::string(error.detail), "hop expects an integer in [1, size = 64], got 65");
    CHECK_EQ(amp_loss_spectral_create(64, 16, 9, 0.0, &plan), AMP_ERR_INVALID_ARGUMENT);
    CHECK_EQ(amp_loss_spectral_create(64, 16, AMP_WINDOW_KAISER, NAN, &plan),
             AMP_ERR_INVALID_ARGUMENT);
    CHECK(plan == nullptr);
    CHECK_EQ(amp_loss_spectral_create(64, 16, AMP_WINDOW_KAISER, 8.0, &plan), AMP_OK);
    std::vector<double> y(100, 0.5), target(100, 0.0);
    double value = 0.0;
    target[42] = INFINITY;
    CHECK_EQ(amp_loss_spectral_l2(plan, y.data(), target.data(), 1, 100, &value, nullptr),
             AMP_ERR_INVALID_ARGUMENT);
    amp_loss_last_error(&error);
    CHECK_CONTAINS(std::string(error.detail), "target expects finite values, got inf at index 42");
    CHECK_EQ(amp_loss_spectral_l2(plan, y.data(), y.data(), 0, 100, &value, nullptr),
             AMP_ERR_INVALID_ARGUMENT);
    CHECK_EQ(amp_loss_spectral_l2(plan, y.data(), y.data(), 1, 100, &value, nullptr), AMP_OK);
    CHECK_EQ(value, 0.0);
    amp_loss_spectral_destroy(plan);
}

AMP_TEST_MAIN()
