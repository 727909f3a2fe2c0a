// test_analysis_spectra.cpp: spectrum levels and references, peaks, white-noise PSD, the chirp
// spectrogram, band energies (Parseval), the envelope against a direct scan, levels and bad
// input, through the C ABI.
#include <algorithm>

#include "analysis_support.h"
#include "test_support.h"

using namespace amp_test;

namespace {

constexpr double kRate = 48000.0;

struct Plan {
    AmpAnalysisPlan *plan = nullptr;
    AmpAnalysisPlanInfo info{};
    explicit Plan(const AmpAnalysisConfig &c) {
        CHECK_EQ(amp_analysis_plan_create(&c, &plan), AMP_OK);
        amp_analysis_plan_describe(plan, &info);
    }
    ~Plan() { amp_analysis_plan_destroy(plan); }
};

struct Spectrum {
    std::vector<double> power, psd;
    uint64_t segments = 0;
};

Spectrum spectrum_of(Plan &p, const std::vector<double> &x) {
    Spectrum s;
    s.power.resize(p.info.points);
    s.psd.resize(p.info.points);
    const AmpAudioView view = mono(x);
    const uint32_t lane = 0;
    CHECK_EQ(
        amp_analysis_spectrum(p.plan, &view, &lane, 1, s.power.data(), s.psd.data(), &s.segments),
        AMP_OK);
    return s;
}

const uint32_t kWindows[] = {AMP_WINDOW_RECT,
                             AMP_WINDOW_HANN,
                             AMP_WINDOW_HAMMING,
                             AMP_WINDOW_BLACKMAN,
                             AMP_WINDOW_BLACKMAN_HARRIS,
                             AMP_WINDOW_KAISER};

} // namespace

TEST(a_full_scale_sine_at_a_bin_centre_reads_0_dbfs_for_every_window) {
    // 1500 Hz at 48 kHz is bin 8 of a 256-point frame.
    const std::vector<double> x = sine(1500.0, 1.0, kRate, 4096, 0.3);
    for (uint32_t window : kWindows) {
        Plan p(config(window, 256, 128));
        const Spectrum s = spectrum_of(p, x);
        CHECK_EQ(s.segments, uint64_t{31});
        CHECK_NEAR(s.power[8], 0.0, 0.05);
        CHECK(std::max_element(s.power.begin(), s.power.end()) - s.power.begin() == 8);
        std::vector<double> f(p.info.points);
        amp_analysis_plan_frequencies(p.plan, f.data(), p.info.points);
        CHECK_NEAR(f[8], 1500.0, 1e-9);
    }
}

TEST(off_a_bin_centre_the_peak_bin_is_within_the_scalloping_loss) {
    // Half a bin off bin 8 (the worst case), and a quarter bin off.
    for (double offset : {0.5, 0.25}) {
        const std::vector<double> x = sine((8.0 + offset) * kRate / 256, 1.0, kRate, 4096, 0.1);
        for (uint32_t window : kWindows) {
            Plan p(config(window, 256, 128));
            const Spectrum s = spectrum_of(p, x);
            const double top = *std::max_element(s.power.begin(), s.power.end());
            CHECK(top <= 0.05);
            CHECK(top >= -p.info.gains.scalloping_loss_db - 0.05);
        }
    }
}

TEST(peaks_read_a_1khz_sine_within_a_hundredth_of_a_bin_and_a_tenth_of_a_db) {
    // 1 kHz is bin 21.33 of a 1024-point frame at 48 kHz; amplitude 0.5 is -6.02 dBFS.
    const std::vector<double> x = sine(1000.0, 0.5, kRate, 16384, 1.0);
    for (uint32_t window : {AMP_WINDOW_HANN, AMP_WINDOW_BLACKMAN, AMP_WINDOW_BLACKMAN_HARRIS,
                            AMP_WINDOW_KAISER, AMP_WINDOW_HAMMING}) {
        Plan p(config(window, 1024, 512));
        const AmpAudioView view = mono(x);
        const uint32_t lane = 0;
        double frequency[3], bin[3], level[3];
        uint32_t found = 0;
        CHECK_EQ(
            amp_analysis_peaks(p.plan, &view, &lane, 1, 3, -60.0, frequency, bin, level, &found),
            AMP_OK);
        CHECK(found >= 1);
        std::printf("  window %u: %.6f Hz (bin %.6f), %.4f dBFS\n", window, frequency[0], bin[0],
                    level[0]);
        CHECK_NEAR(bin[0], 1000.0 / (kRate / 1024), 0.01);
        CHECK_NEAR(frequency[0], 1000.0, 0.01 * kRate / 1024);
        CHECK_NEAR(level[0], 20.0 * std::log10(0.5), // -6.02 dBFS
                   0.1);
    }
}

TEST(white_noise_has_a_flat_psd_at_its_variance_over_half_the_rate) {
    Random random(2024);
    const double sigma = 0.5;
    std::vector<double> x(1 << 18);
    for (double &v : x) v = sigma * random.normal();
    Plan p(config(AMP_WINDOW_HANN, 256, 128));
    const Spectrum s = spectrum_of(p, x);
    const double expected = 10.0 * std::log10(sigma * sigma / (kRate / 2));
    double worst = 0.0;
    for (size_t k = 1; k + 1 < s.psd.size(); ++k) // DC and Nyquist are not doubled (one-sided)
        worst = std::max(worst, std::fabs(s.psd[k] - expected));
    std::printf("  largest deviation from s^2/(sr/2): %.3f dB\n", worst);
    CHECK(worst <= 0.5);
}

TEST(the_spectrogram_of_a_linear_chirp_follows_it_within_one_bin) {
    const double f0 = 200.0, f1 = 20000.0, seconds = 2.0;
    const size_t n = static_cast<size_t>(kRate * seconds);
    std::vector<double> x(n);
    for (size_t i = 0; i < n; ++i) {
        const double t = static_cast<double>(i) / kRate;
        x[i] = std::sin(2.0 * M_PI * (f0 * t + 0.5 * (f1 - f0) / seconds * t * t));
    }
    Plan p(config(AMP_WINDOW_HANN, 512, 256));
    const uint64_t frames = amp_analysis_plan_frames(p.plan, n);
    CHECK_EQ(frames, uint64_t{1 + (n - 512) / 256});
    const uint32_t columns = static_cast<uint32_t>(frames);
    std::vector<double> db(columns * p.info.points), times(columns);
    const AmpAudioView view = mono(x);
    const uint32_t lane = 0;
    double range[2];
    CHECK_EQ(
        amp_analysis_spectrogram(p.plan, &view, &lane, 1, columns, db.data(), times.data(), range),
        AMP_OK);
    CHECK_EQ(range[0], *std::min_element(db.begin(), db.end()));
    CHECK_EQ(range[1], *std::max_element(db.begin(), db.end()));
    CHECK(range[1] > -1.0 && range[1] < 0.1); // the chirp is a full-scale sine
    int misses = 0;
    for (uint32_t c = 0; c < columns; ++c) {
        const double *row = db.data() + size_t{c} * p.info.points;
        const size_t top = std::max_element(row, row + p.info.points) - row;
        const double expected = (f0 + (f1 - f0) * times[c] / seconds) / p.info.bin_hz;
        if (std::fabs(static_cast<double>(top) - expected) > 1.0) ++misses;
    }
    CHECK_EQ(misses, 0);
    CHECK_NEAR(times[0], 256.0 / kRate, 1e-15);
    // Grouped into fewer columns: times are the mean of the frames' centres.
    std::vector<double> grouped(10 * p.info.points), grouped_times(10);
    CHECK_EQ(amp_analysis_spectrogram(p.plan, &view, &lane, 1, 10, grouped.data(),
                                      grouped_times.data(), nullptr),
             AMP_OK);
    const uint64_t last = frames / 10; // column 0 holds frames [0, last)
    CHECK_NEAR(grouped_times[0], (0.5 * static_cast<double>(last - 1) * 256 + 256) / kRate, 1e-12);
}

TEST(band_energies_over_bands_tiling_0_to_nyquist_sum_to_the_frame_energy) {
    Random random(5);
    std::vector<double> x(8192);
    for (double &v : x) v = random.uniform();
    for (uint32_t size : {256u, 255u}) {
        Plan p(config(AMP_WINDOW_HANN, size, 200));
        const double edges[] = {0.0, 100.0, 1000.0, 1234.5, 5000.0, 15000.0, 23999.0, 24000.0};
        std::vector<double> bands;
        for (size_t b = 0; b + 1 < std::size(edges); ++b) {
            bands.push_back(edges[b]);
            bands.push_back(edges[b + 1]);
        }
        const uint32_t band_count = static_cast<uint32_t>(bands.size() / 2);
        const uint64_t frames = amp_analysis_plan_frames(p.plan, x.size());
        std::vector<double> energy(band_count * frames), level(band_count * frames), times(frames);
        const AmpAudioView view = mono(x);
        const uint32_t lane = 0;
        CHECK_EQ(amp_analysis_band_energy(p.plan, &view, &lane, 1, bands.data(), band_count,
                                          energy.data(), level.data(), times.data()),
                 AMP_OK);
        std::vector<double> w(size);
        amp_analysis_window(AMP_WINDOW_HANN, 0.0, 0, size, w.data(), nullptr);
        double worst = 0.0;
        for (uint64_t m = 0; m < frames; ++m) {
            double direct = 0.0, sum = 0.0;
            for (uint32_t j = 0; j < size; ++j) direct += std::pow(w[j] * x[m * 200 + j], 2);
            for (uint32_t b = 0; b < band_count; ++b) sum += energy[b * frames + m];
            worst = std::max(worst, std::fabs(sum - direct) / direct);
        }
        CHECK(worst <= 1e-9);
    }
}

TEST(a_full_scale_sine_inside_a_band_reads_0_dbfs) {
    const std::vector<double> x = sine(1500.0, 1.0, kRate, 4096);
    Plan p(config(AMP_WINDOW_HANN, 256, 256));
    const double bands[] = {1000.0, 2000.0, 5000.0, 6000.0};
    const uint64_t frames = amp_analysis_plan_frames(p.plan, x.size());
    std::vector<double> energy(2 * frames), level(2 * frames), times(frames);
    const AmpAudioView view = mono(x);
    const uint32_t lane = 0;
    CHECK_EQ(amp_analysis_band_energy(p.plan, &view, &lane, 1, bands, 2, energy.data(),
                                      level.data(), times.data()),
             AMP_OK);
    for (uint64_t m = 0; m < frames; ++m) {
        CHECK_NEAR(level[m], 0.0, 0.05);
        CHECK(level[frames + m] < -60.0);
    }
}

TEST(the_envelope_of_60_seconds_to_2000_columns_is_exact) {
    const uint32_t frames = 60 * 48000;
    Random random(9);
    std::vector<double> x(2 * size_t{frames}); // stereo
    for (double &v : x) v = random.uniform();
    x[12345] = NAN;
    x[frames + 777] = INFINITY;
    const AmpAudioView view{x.data(), 1, 2, frames};
    const uint32_t lanes[2] = {1, 0}, columns = 2000;
    std::vector<double> lo(2 * columns), hi(2 * columns), rms(2 * columns);
    std::vector<uint32_t> bad(2 * columns);
    CHECK_EQ(amp_analysis_envelope(&view, lanes, 2, 0, frames, columns, lo.data(), hi.data(),
                                   rms.data(), bad.data()),
             AMP_OK);
    bool exact = true;
    double worst_rms = 0.0;
    uint32_t non_finite = 0;
    for (uint32_t i = 0; i < 2; ++i) {
        const double *lane = x.data() + size_t{lanes[i]} * frames;
        for (uint32_t c = 0; c < columns; ++c) {
            const uint64_t first = uint64_t{frames} * c / columns;
            const uint64_t last = uint64_t{frames} * (c + 1) / columns;
            double mn = INFINITY, mx = -INFINITY, sq = 0.0;
            uint64_t finite = 0;
            for (uint64_t f = first; f < last; ++f) {
                if (!std::isfinite(lane[f])) continue;
                mn = std::min(mn, lane[f]);
                mx = std::max(mx, lane[f]);
                sq += lane[f] * lane[f];
                ++finite;
            }
            const size_t at = size_t{i} * columns + c;
            exact = exact && lo[at] == mn && hi[at] == mx;
            worst_rms = std::max(worst_rms,
                                 std::fabs(rms[at] - std::sqrt(sq / static_cast<double>(finite))));
            non_finite += bad[at];
        }
    }
    CHECK(exact);
    CHECK(worst_rms <= 1e-12);
    CHECK_EQ(non_finite, 2u);
    CHECK_EQ(bad[columns + 8], 1u); // lane 0 (second in the selection), frame 12345: column 8
}

TEST(levels_report_peak_rms_dc_and_crest_factor) {
    std::vector<double> x = {0.5, 0.5, 0.5, 0.5, 1.0, -1.0, 1.0, -1.0};
    x.resize(8);
    const AmpAudioView view{x.data(), 1, 2, 4};
    double peak[2], rms[2], dc[2], crest[2], crest_db[2];
    CHECK_EQ(amp_analysis_levels(&view, peak, rms, dc, crest, crest_db), AMP_OK);
    CHECK_NEAR(dc[0], 0.5, 1e-15);
    CHECK_NEAR(crest[0], 1.0, 1e-15);
    CHECK_NEAR(dc[1], 0.0, 1e-15);
    CHECK_NEAR(crest_db[1], 0.0, 1e-15);
    const std::vector<double> s = sine(1000.0, 0.8, kRate, 48000);
    const AmpAudioView sv = mono(s);
    CHECK_EQ(amp_analysis_levels(&sv, peak, rms, dc, crest, crest_db), AMP_OK);
    CHECK_NEAR(crest[0], std::sqrt(2.0), 1e-6);
    CHECK_NEAR(crest_db[0], 3.0103, 1e-4);
}

TEST(bad_input_names_the_argument_and_its_range) {
    Plan p(config(AMP_WINDOW_HANN, 256, 128));
    std::vector<double> power(129), psd(129);
    const uint32_t lane = 0;
    std::vector<double> empty;
    AmpAudioView view{nullptr, 1, 1, 0};
    CHECK_EQ(amp_analysis_spectrum(p.plan, &view, &lane, 1, power.data(), psd.data(), nullptr),
             AMP_ERR_INVALID_ARGUMENT);
    CHECK_CONTAINS(analysis_error(), "\"samples\" expects a signal of at least 1 frame");
    std::vector<double> short_signal(100, 0.1);
    view = mono(short_signal);
    CHECK_EQ(amp_analysis_spectrum(p.plan, &view, &lane, 1, power.data(), psd.data(), nullptr),
             AMP_ERR_INVALID_ARGUMENT);
    CHECK_CONTAINS(analysis_error(), "\"size\" expects an integer in [2, 100]");
    std::vector<double> x(1000, 0.1);
    x[500] = NAN;
    view = mono(x);
    CHECK_EQ(amp_analysis_spectrum(p.plan, &view, &lane, 1, power.data(), psd.data(), nullptr),
             AMP_ERR_INVALID_ARGUMENT);
    CHECK_CONTAINS(analysis_error(), "got NaN at batch 0, channel 0, frame 500");
    x[500] = -INFINITY;
    CHECK_EQ(amp_analysis_spectrum(p.plan, &view, &lane, 1, power.data(), psd.data(), nullptr),
             AMP_ERR_INVALID_ARGUMENT);
    CHECK_CONTAINS(analysis_error(), "got Inf at batch 0, channel 0, frame 500");
    const uint32_t wrong_lane = 1;
    x[500] = 0.0;
    CHECK_EQ(
        amp_analysis_spectrum(p.plan, &view, &wrong_lane, 1, power.data(), psd.data(), nullptr),
        AMP_ERR_INVALID_ARGUMENT);
    CHECK_CONTAINS(analysis_error(), "\"lanes[0]\" expects a lane in [0, 0]");
    AmpAnalysisPlan *bad = nullptr;
    AmpAnalysisConfig c = config(AMP_WINDOW_HANN, 0, 1);
    CHECK_EQ(amp_analysis_plan_create(&c, &bad), AMP_ERR_INVALID_ARGUMENT);
    CHECK(bad == nullptr);
    CHECK_CONTAINS(analysis_error(), "\"size\" expects an integer in [2, 16777216] samples, got 0");
    c = config(AMP_WINDOW_HANN, 256, 128);
    c.scale = AMP_SCALE_LOG;
    c.points = 100;
    c.min_hz = 20.0;
    c.max_hz = 30000.0;
    CHECK_EQ(amp_analysis_plan_create(&c, &bad), AMP_ERR_INVALID_ARGUMENT);
    CHECK_CONTAINS(analysis_error(), "\"maxHz\" expects a finite number in (0, 24000] Hz");
    const double bands[] = {100.0, 25000.0};
    std::vector<double> e(7), l(7), t(7);
    CHECK_EQ(
        amp_analysis_band_energy(p.plan, &view, &lane, 1, bands, 1, e.data(), l.data(), t.data()),
        AMP_ERR_INVALID_ARGUMENT);
    CHECK_CONTAINS(analysis_error(), "\"bands[0]\" expects [low, high) Hz with 0 <= low < high "
                                     "<= 24000 (Nyquist), got [100, 25000]");
    double lo[10], hi[10], rms[10];
    uint32_t nf[10];
    CHECK_EQ(amp_analysis_envelope(&view, &lane, 1, 0, 1000, 0, lo, hi, rms, nf),
             AMP_ERR_INVALID_ARGUMENT);
    CHECK_CONTAINS(analysis_error(), "\"columns\" expects an integer in [1, 1000]");
    CHECK_EQ(amp_analysis_envelope(&view, &lane, 1, 0, 1001, 10, lo, hi, rms, nf),
             AMP_ERR_INVALID_ARGUMENT);
    CHECK_CONTAINS(analysis_error(), "\"end\" expects an integer in [1, 1000] frames, got 1001");
}

TEST(log_and_mel_axes_resample_between_their_limits) {
    AmpAnalysisConfig c = config(AMP_WINDOW_HANN, 1024, 512);
    c.scale = AMP_SCALE_LOG;
    c.points = 64;
    c.min_hz = 20.0;
    c.max_hz = 24000.0;
    Plan p(c);
    CHECK_EQ(p.info.points, 64u);
    std::vector<double> f(64);
    amp_analysis_plan_frequencies(p.plan, f.data(), 64);
    CHECK_NEAR(f[0], 20.0, 1e-9);
    CHECK_NEAR(f[63], 24000.0, 1e-9);
    CHECK_NEAR(f[1] / f[0], f[63] / f[62], 1e-9);
    // A full-scale sine keeps its 0 dBFS in a max-resampled spectrum.
    const std::vector<double> x = sine(1500.0, 1.0, kRate, 8192);
    const Spectrum s = spectrum_of(p, x);
    CHECK_NEAR(*std::max_element(s.power.begin(), s.power.end()), 0.0, 0.05);
    c.scale = AMP_SCALE_MEL;
    c.min_hz = 0.0;
    Plan mel(c);
    amp_analysis_plan_frequencies(mel.plan, f.data(), 64);
    CHECK_NEAR(f[0], 0.0, 1e-9);
    const double m1 = 2595.0 * std::log10(1.0 + f[1] / 700.0);
    const double m2 = 2595.0 * std::log10(1.0 + f[2] / 700.0);
    CHECK_NEAR(m2 - m1, m1, 1e-6);
}

AMP_TEST_MAIN()
