// test_analysis_windows_stft.cpp: windows (values, symmetry, gains) and the STFT (inverse
// identity, streaming in any split, frame-count rule), through the C ABI and dsp/stft.h.
#include <algorithm>
#include <memory>

#include "analysis_support.h"
#include "dsp/stft.h"
#include "dsp/window.h"
#include "test_support.h"

using namespace amp_test;

TEST(windows_follow_their_formulas_periodic_and_symmetric) {
    const uint32_t n = 16;
    std::vector<double> w(n), s(n);
    AmpWindowGains gains{};
    CHECK_EQ(amp_analysis_window(AMP_WINDOW_HANN, 0.0, 0, n, w.data(), &gains), AMP_OK);
    for (uint32_t j = 0; j < n; ++j)
        CHECK_NEAR(w[j], 0.5 - 0.5 * std::cos(2.0 * M_PI * j / n), 1e-15);
    CHECK_NEAR(gains.coherent_gain, 0.5, 1e-15);
    CHECK_NEAR(gains.energy_gain, 0.375, 1e-15);
    CHECK_NEAR(gains.enbw_bins, 1.5, 1e-14);
    CHECK_NEAR(gains.scalloping_loss_db, 1.4236, 0.01); // textbook hann: 1.42 dB
    for (uint32_t window = AMP_WINDOW_RECT; window <= AMP_WINDOW_KAISER; ++window) {
        CHECK_EQ(amp_analysis_window(window, 5.0, 1, n, s.data(), nullptr), AMP_OK);
        for (uint32_t j = 0; j < n; ++j) CHECK_NEAR(s[j], s[n - 1 - j], 1e-15);
        CHECK(*std::max_element(s.begin(), s.end()) <= 1.0 + 1e-15);
    }
    CHECK_EQ(amp_analysis_window(AMP_WINDOW_BLACKMAN_HARRIS, 0.0, 1, n, s.data(), nullptr), AMP_OK);
    CHECK_NEAR(s[0], 0.35875 - 0.48829 + 0.14128 - 0.01168, 1e-15);
    // Kaiser with beta 0 is rect; its peak (centre of a symmetric odd window) is 1.
    CHECK_EQ(amp_analysis_window(AMP_WINDOW_KAISER, 0.0, 0, n, w.data(), &gains), AMP_OK);
    for (double v : w) CHECK_NEAR(v, 1.0, 1e-15);
    CHECK_NEAR(gains.scalloping_loss_db, 3.92, 0.02); // rect: 3.92 dB for large n
    std::vector<double> k(15);
    CHECK_EQ(amp_analysis_window(AMP_WINDOW_KAISER, 8.6, 1, 15, k.data(), nullptr), AMP_OK);
    CHECK_NEAR(k[7], 1.0, 1e-15);
    CHECK_NEAR(k[0], 1.0 / amp::dsp::bessel_i0(8.6), 1e-15);
}

TEST(window_arguments_are_checked) {
    std::vector<double> w(4);
    CHECK_EQ(amp_analysis_window(9, 0.0, 0, 4, w.data(), nullptr), AMP_ERR_INVALID_ARGUMENT);
    CHECK_CONTAINS(analysis_error(), "\"window\"");
    CHECK_EQ(amp_analysis_window(AMP_WINDOW_KAISER, 51.0, 0, 4, w.data(), nullptr),
             AMP_ERR_INVALID_ARGUMENT);
    CHECK_CONTAINS(analysis_error(), "\"beta\" expects a finite number in [0, 50]");
    CHECK_EQ(amp_analysis_window(AMP_WINDOW_HANN, 0.0, 0, 0, w.data(), nullptr),
             AMP_ERR_INVALID_ARGUMENT);
    CHECK_CONTAINS(analysis_error(), "\"n\" expects an integer in [1, 16777216], got 0");
}

namespace {

struct StftCase {
    uint32_t window;
    uint32_t size, hop;
};
const StftCase kCases[] = {{AMP_WINDOW_HANN, 64, 16},
                           {AMP_WINDOW_HAMMING, 64, 32},
                           {AMP_WINDOW_BLACKMAN, 64, 16},
                           {AMP_WINDOW_RECT, 64, 64}};

std::vector<double> noise(size_t n, uint64_t seed) {
    Random random(seed);
    std::vector<double> x(n);
    for (double &v : x) v = random.uniform();
    return x;
}

} // namespace

TEST(istft_of_stft_is_the_identity) {
    const std::vector<double> x = noise(1000, 7);
    for (const StftCase &c : kCases) {
        AmpAnalysisPlan *plan = nullptr;
        const AmpAnalysisConfig cfg = config(c.window, c.size, c.hop);
        CHECK_EQ(amp_analysis_plan_create(&cfg, &plan), AMP_OK);
        const uint64_t frames = amp_analysis_stft_frames(x.size(), c.size, c.hop);
        CHECK_EQ(frames, (x.size() - 1 + c.size - c.hop) / c.hop + 1);
        std::vector<double> spectra(frames * 2 * (c.size / 2 + 1)), y(x.size());
        CHECK_EQ(amp_analysis_stft(plan, x.data(), x.size(), spectra.data(), spectra.size()),
                 AMP_OK);
        CHECK_EQ(amp_analysis_istft(plan, spectra.data(), frames, y.data(), y.size()), AMP_OK);
        double worst = 0.0;
        for (size_t i = 0; i < x.size(); ++i) worst = std::max(worst, std::fabs(y[i] - x[i]));
        std::printf("  window %u hop %u: max |istft(stft(x)) - x| = %.3g\n", c.window, c.hop,
                    worst);
        CHECK(worst <= 1e-12);
        amp_analysis_plan_destroy(plan);
    }
}

TEST(streamed_stft_is_block_invariant_and_equals_the_delayed_identity) {
    const std::vector<double> x = noise(1500, 11);
    for (const StftCase &c : kCases) {
        std::vector<double> w(c.size);
        amp_analysis_window(c.window, 0.0, 0, c.size, w.data(), nullptr);
        auto setup = std::make_shared<const amp::dsp::StftSetup>(w.data(), c.size, c.hop);
        std::vector<std::vector<double>> outputs;
        for (size_t chunk : {size_t{1}, size_t{37}, x.size()}) {
            amp::dsp::StftStream stream(setup);
            std::vector<double> y(x.size());
            for (size_t at = 0; at < x.size(); at += chunk)
                stream.process(x.data() + at, y.data() + at, std::min(chunk, x.size() - at),
                               nullptr, nullptr);
            outputs.push_back(y);
        }
        CHECK(outputs[0] == outputs[1]);
        CHECK(outputs[0] == outputs[2]);
        const size_t latency = c.size - 1;
        double worst = 0.0;
        for (size_t i = 0; i < x.size(); ++i) {
            const double expected = i >= latency ? x[i - latency] : 0.0;
            worst = std::max(worst, std::fabs(outputs[0][i] - expected));
        }
        CHECK(worst <= 1e-12);
        // The stream is the batch inverse, delayed: the same bits.
        std::vector<double> spectra(amp::dsp::stft_frame_count(x.size(), c.size, c.hop) * 2 *
                                    setup->bins()),
            scratch(setup->scratch_doubles()), y(x.size());
        amp::dsp::stft_forward(*setup, x.data(), x.size(), spectra.data(), scratch.data());
        amp::dsp::stft_inverse(*setup, spectra.data(),
                               amp::dsp::stft_frame_count(x.size(), c.size, c.hop), y.data(),
                               y.size(), scratch.data());
        bool same = true;
        for (size_t i = latency; i < x.size(); ++i) same = same && outputs[0][i] == y[i - latency];
        CHECK(same);
    }
}

namespace {
// A spectral process for the stream test: halves every bin and counts frames.
void halve(void *context, double *spectrum, std::size_t bins, uint64_t frame_index) {
    auto *count = static_cast<uint64_t *>(context);
    CHECK_EQ(frame_index, *count);
    ++*count;
    for (std::size_t k = 0; k < 2 * bins; ++k) spectrum[k] *= 0.5;
}
} // namespace

TEST(streamed_frames_can_be_processed) {
    const std::vector<double> x = noise(700, 3);
    std::vector<double> w(32);
    amp_analysis_window(AMP_WINDOW_HANN, 0.0, 0, 32, w.data(), nullptr);
    auto setup = std::make_shared<const amp::dsp::StftSetup>(w.data(), 32, 8);
    amp::dsp::StftStream stream(setup);
    std::vector<double> y(x.size());
    uint64_t frames = 0;
    stream.process(x.data(), y.data(), x.size(), halve, &frames);
    CHECK_EQ(frames, uint64_t{700 / 8});
    for (size_t i = 31; i < x.size(); ++i) CHECK_NEAR(y[i], 0.5 * x[i - 31], 1e-12);
    stream.reset();
    std::vector<double> again(x.size());
    frames = 0;
    stream.process(x.data(), again.data(), x.size(), halve, &frames);
    CHECK(again == y);
}

TEST(stft_refuses_a_hop_whose_overlap_vanishes) {
    // Periodic hann at hop = size: w[0] = 0, so sample phase 0 is never reconstructed.
    AmpAnalysisPlan *plan = nullptr;
    const AmpAnalysisConfig cfg = config(AMP_WINDOW_HANN, 64, 64);
    CHECK_EQ(amp_analysis_plan_create(&cfg, &plan), AMP_OK);
    std::vector<double> x(100, 0.1), out(2 * 33 * amp_analysis_stft_frames(100, 64, 64));
    CHECK_EQ(amp_analysis_stft(plan, x.data(), x.size(), out.data(), out.size()),
             AMP_ERR_INVALID_ARGUMENT);
    CHECK_CONTAINS(analysis_error(), "\"hop\"");
    CHECK_CONTAINS(analysis_error(), "vanishes");
    amp_analysis_plan_destroy(plan);
}

AMP_TEST_MAIN()
