// plan.cpp: see plan.h.
#include "analysis/plan.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "amp_native.h"
#include "runtime/errors.h"

namespace amp::analysis {

namespace {

[[noreturn]] void fail(const std::string &field, const std::string &expected, double got) {
    throw AmpFailure(AMP_ERR_INVALID_ARGUMENT, "analysis", "",
                     "analysis option \"" + field + "\" expects " + expected + ", got " +
                         format_number(got));
}

double to_scale(Scale scale, double hz) {
    switch (scale) {
    case Scale::Log: return std::log(hz);
    case Scale::Mel: return 2595.0 * std::log10(1.0 + hz / 700.0);
    default: return hz;
    }
}

double from_scale(Scale scale, double u) {
    switch (scale) {
    case Scale::Log: return std::exp(u);
    case Scale::Mel: return 700.0 * (std::pow(10.0, u / 2595.0) - 1.0);
    default: return u;
    }
}

void validate(const PlanConfig &c) {
    if (!(std::isfinite(c.sample_rate) && c.sample_rate > 0.0))
        fail("sampleRate", "a finite number > 0 Hz", c.sample_rate);
    if (c.size < 2 || c.size > kMaxSize)
        fail("size", "an integer in [2, " + std::to_string(kMaxSize) + "] samples", c.size);
    if (c.hop < 1 || c.hop > kMaxSize)
        fail("hop", "an integer in [1, " + std::to_string(kMaxSize) + "] samples", c.hop);
    if (static_cast<uint32_t>(c.window) >= dsp::kWindowKindCount)
        fail("window", "a window code in [0, 5]", static_cast<double>(c.window));
    if (!(std::isfinite(c.kaiser_beta) && c.kaiser_beta >= 0.0 && c.kaiser_beta <= 50.0))
        fail("beta", "a finite number in [0, 50]", c.kaiser_beta);
    if (!(std::isfinite(c.floor_db) && c.floor_db >= -400.0 && c.floor_db <= 0.0))
        fail("floorDb", "a finite number in [-400, 0] dB", c.floor_db);
    if (static_cast<uint32_t>(c.scale) > 3)
        fail("scale", "a scale code in [0, 3]", static_cast<double>(c.scale));
    if (c.scale == Scale::Bins) return;
    const double nyquist = c.sample_rate / 2.0;
    if (c.points < 2 || c.points > kMaxPoints)
        fail("points", "an integer in [2, " + std::to_string(kMaxPoints) + "]", c.points);
    if (!(std::isfinite(c.max_hz) && c.max_hz > 0.0 && c.max_hz <= nyquist))
        fail("maxHz", "a finite number in (0, " + format_number(nyquist) + "] Hz (Nyquist)",
             c.max_hz);
    // A log axis cannot reach 0 Hz; the others may start there.
    if (!(std::isfinite(c.min_hz) && c.min_hz >= 0.0 && c.min_hz < c.max_hz) ||
        (c.scale == Scale::Log && !(c.min_hz > 0.0)))
        fail("minHz",
             std::string(c.scale == Scale::Log ? "a finite number in (0, "
                                               : "a finite number in [0, ") +
                 format_number(c.max_hz) + ") Hz (below maxHz)",
             c.min_hz);
}

} // namespace

Plan::Plan(const PlanConfig &config) : config_(config) {
    validate(config_);
    const std::size_t n = config_.size, bins = n / 2 + 1;
    window_.resize(n);
    dsp::fill_window(config_.window, config_.kaiser_beta, config_.symmetric, window_.data(), n);
    gains_ = dsp::window_gains(window_.data(), n);
    for (double w : window_) {
        s1_ += w;
        s2_ += w * w;
    }
    fft_ = dsp::FftPlan::real(n);
    frame_.resize(n);
    spectrum_.resize(2 * bins);
    fft_scratch_.resize(fft_->scratch_doubles());
    scratch_a_.resize(bins);
    scratch_b_.resize(bins);

    const double bin_width = bin_hz();
    if (config_.scale == Scale::Bins) {
        frequencies_.resize(bins);
        for (std::size_t k = 0; k < bins; ++k) frequencies_[k] = static_cast<double>(k) * bin_width;
        return;
    }
    const std::size_t count = config_.points;
    frequencies_.resize(count);
    span_begin_.resize(count);
    span_end_.resize(count);
    const double u0 = to_scale(config_.scale, config_.min_hz);
    const double u1 = to_scale(config_.scale, config_.max_hz);
    const double step = (u1 - u0) / static_cast<double>(count - 1);
    const double nyquist = config_.sample_rate / 2.0;
    // First bin with frequency >= hz (bins() when none).
    auto first_bin_at = [&](double hz) {
        const double k = std::ceil(hz / bin_width - 1e-9);
        return static_cast<uint32_t>(std::clamp(k, 0.0, static_cast<double>(bins)));
    };
    for (std::size_t r = 0; r < count; ++r) {
        const double u = u0 + step * static_cast<double>(r);
        frequencies_[r] = r + 1 == count ? config_.max_hz
                          : r == 0       ? config_.min_hz
                                         : from_scale(config_.scale, u);
        const double lo = std::max(0.0, from_scale(config_.scale, u - 0.5 * step));
        const double hi = from_scale(config_.scale, u + 0.5 * step);
        span_begin_[r] = first_bin_at(lo);
        span_end_[r] = hi >= nyquist ? static_cast<uint32_t>(bins) : first_bin_at(hi);
    }
}

uint64_t Plan::valid_frames(uint64_t frames) const {
    if (frames < config_.size) return 0;
    return 1 + (frames - config_.size) / config_.hop;
}

void Plan::frame_power(const double *x, double *power) {
    const std::size_t n = config_.size, bins = n / 2 + 1;
    for (std::size_t j = 0; j < n; ++j) frame_[j] = x[j] * window_[j];
    fft_->forward(frame_.data(), spectrum_.data(), fft_scratch_.data());
    for (std::size_t k = 0; k < bins; ++k) {
        const double re = spectrum_[2 * k], im = spectrum_[2 * k + 1];
        power[k] = re * re + im * im;
    }
    if (work_.active()) work_.step();
}

void Plan::map_to_points(const double *bin_values, double *out, Reduce reduce) const {
    const std::size_t bins = this->bins();
    if (config_.scale == Scale::Bins) {
        std::copy(bin_values, bin_values + bins, out);
        return;
    }
    const double bin_width = bin_hz();
    for (std::size_t r = 0; r < frequencies_.size(); ++r) {
        const uint32_t begin = span_begin_[r], end = span_end_[r];
        if (begin < end) {
            double value = reduce == Reduce::Max ? bin_values[begin] : 0.0;
            for (uint32_t k = begin; k < end; ++k)
                value =
                    reduce == Reduce::Max ? std::max(value, bin_values[k]) : value + bin_values[k];
            out[r] = reduce == Reduce::Max ? value : value / static_cast<double>(end - begin);
            continue;
        }
        const double position = frequencies_[r] / bin_width;
        const std::size_t k = std::min(static_cast<std::size_t>(position), bins - 1);
        const std::size_t k1 = std::min(k + 1, bins - 1);
        const double fraction = position - static_cast<double>(k);
        out[r] = bin_values[k] + (bin_values[k1] - bin_values[k]) * fraction;
    }
}

double Plan::to_db(double value) const {
    if (!(value > 0.0)) return config_.floor_db;
    return std::max(config_.floor_db, 10.0 * std::log10(value));
}

} // namespace amp::analysis
