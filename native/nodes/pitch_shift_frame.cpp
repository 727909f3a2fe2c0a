// pitch_shift_frame.cpp: see pitch_shift_frame.h; the algorithm is described in pitch_shift.cpp.
//
// The adjoint differentiates the frame as computed. Smooth parts: the magnitudes and atan2
// phases of the bins, the true frequencies w = k + (p_k - p'_k - k e) / e (the phase wrap adds a
// constant 2 pi multiple: derivative 1), the amplitudes c = X_k / W(k - w), the shifted
// positions t = w r, the synthesis phases phi = s_J + t e (wrapped: derivative 1) or arg(c) on
// a lane's first frame, and the written bins |c| exp(i phi) W(j - t). Piecewise constant (their
// derivative is 0 almost everywhere, and a finite difference must not cross them): the choice
// of the peaks (local maxima, |w - k| <= 1), the target bin J = round(t), which peak last
// writes the running phase of a bin, and ratio 1 exactly (the identity branch).
#include "nodes/pitch_shift_frame.h"

#include <algorithm>
#include <cmath>

namespace amp::pitch_shift {

namespace {

constexpr double kTwoPi = 6.283185307179586476925286766559;
constexpr double kLobe = 4.0; // bins re-synthesised on each side of a shifted peak

double wrap_phase(double x) { return x - kTwoPi * std::floor((x + M_PI) / kTwoPi); }

} // namespace

FrameShifter::FrameShifter(uint32_t window, uint32_t hop)
    : window_(window), hop_(hop), bins_(window / 2 + 1), e_(kTwoPi * hop / window),
      magnitude_(bins_), phase_(bins_), frequency_(bins_), out_re_(bins_), out_im_(bins_),
      next_running_(bins_), writer_(bins_), phase_grad_(bins_) {
    peaks_.reserve(bins_);
}

// sum_n w[n] exp(-2 pi i x n / N) = D(x) / 2 - D(x - 1) / 4 - D(x + 1) / 4 with the Dirichlet
// kernel D(x) = exp(-i pi x (N - 1) / N) sin(pi x) / sin(pi x / N).
std::complex<double> FrameShifter::kernel(double x) const {
    const double n = static_cast<double>(window_);
    auto dirichlet = [n](double y) {
        const double denominator = std::sin(M_PI * y / n);
        const double magnitude = std::fabs(y) < 1e-9 ? n : std::sin(M_PI * y) / denominator;
        return std::polar(magnitude, -M_PI * y * (n - 1.0) / n);
    };
    return 0.5 * dirichlet(x) - 0.25 * dirichlet(x - 1.0) - 0.25 * dirichlet(x + 1.0);
}

// d/dx of kernel(x): D'(y) = (m'(y) - i a m(y)) exp(-i a y), a = pi (N - 1) / N, m the
// magnitude above (constant N in the forward's |y| < 1e-9 branch: m' = 0 there).
std::complex<double> FrameShifter::kernel_slope(double x) const {
    const double n = static_cast<double>(window_);
    const double a = M_PI * (n - 1.0) / n;
    auto slope = [n, a](double y) {
        double magnitude = n, magnitude_slope = 0.0;
        if (!(std::fabs(y) < 1e-9)) {
            const double s = std::sin(M_PI * y / n), cs = std::cos(M_PI * y / n);
            magnitude = std::sin(M_PI * y) / s;
            magnitude_slope =
                (M_PI * std::cos(M_PI * y) * s - (M_PI / n) * std::sin(M_PI * y) * cs) / (s * s);
        }
        return std::complex<double>(magnitude_slope, -a * magnitude) * std::polar(1.0, -a * y);
    };
    return 0.5 * slope(x) - 0.25 * slope(x - 1.0) - 0.25 * slope(x + 1.0);
}

void FrameShifter::analyse(const double *spectrum, const double *previous, const double *running,
                           bool started, double r) {
    const double e = e_;
    // 1. Analysis: magnitude, phase and true frequency (in bins) of every bin.
    for (size_t k = 0; k < bins_; ++k) {
        const double re = spectrum[2 * k], im = spectrum[2 * k + 1];
        phase_[k] = std::atan2(im, re);
        magnitude_[k] = std::hypot(re, im);
        const double deviation = wrap_phase(phase_[k] - previous[k] - static_cast<double>(k) * e);
        frequency_[k] = static_cast<double>(k) + deviation / e;
    }
    // 2. Peaks: local maxima whose true frequency lies within a bin of them (a window side
    //    lobe's phase turns at its neighbour's frequency, farther away: not a peak); each is a
    //    sinusoid c W(k - w), re-synthesised at t = w r around J = round(t), with phi
    //    advancing by t e per frame from the lane's synthesis phase of J (arg c on the lane's
    //    first frame).
    peaks_.clear();
    for (size_t k = 0; k < bins_; ++k) {
        const double m = magnitude_[k];
        if (!(m > 0.0)) continue;
        const bool left = k == 0 || m > magnitude_[k - 1];
        const bool right = k + 1 == bins_ || m >= magnitude_[k + 1];
        const double w = frequency_[k];
        if (!left || !right || std::fabs(w - static_cast<double>(k)) > 1.0) continue;
        const std::complex<double> c =
            std::polar(m, phase_[k]) / kernel(static_cast<double>(k) - w);
        const double t = w * r;
        const double nearest = std::nearbyint(t);
        // (t < -0.5 cannot happen in practice: a DC peak has w = 0; the guard keeps the
        // index in range.)
        if (nearest >= static_cast<double>(bins_) || nearest < 0.0) continue;
        const size_t target = static_cast<size_t>(nearest);
        const double phi = started ? wrap_phase(running[target] + t * e) : std::arg(c);
        peaks_.push_back({static_cast<uint32_t>(k), static_cast<uint32_t>(target), w, t, phi, c});
    }
}

void FrameShifter::shift(double *spectrum, double *previous, double *running, bool started,
                         double r) {
    analyse(spectrum, previous, running, started, r);
    for (size_t k = 0; k < bins_; ++k) {
        previous[k] = phase_[k];
        out_re_[k] = 0.0;
        out_im_[k] = 0.0;
        next_running_[k] = running[k]; // targets no peak reaches keep their phase
    }
    // 3. Shift: each peak written at t as |c| exp(i phi) W(j - t) for the bins j within
    //    kLobe of J (summed where peaks meet); ratio 1 leaves the spectrum as it is.
    const bool identity = r == 1.0;
    for (const Peak &peak : peaks_) {
        next_running_[peak.target] = identity ? std::arg(peak.c) : peak.phi;
        if (identity) continue;
        const std::complex<double> amplitude = std::polar(std::abs(peak.c), peak.phi);
        const double nearest = static_cast<double>(peak.target);
        const double first = std::max(0.0, nearest - kLobe);
        const double last = std::min(static_cast<double>(bins_ - 1), nearest + kLobe);
        for (double j = first; j <= last; j += 1.0) {
            const std::complex<double> y = amplitude * kernel(j - peak.t);
            out_re_[static_cast<size_t>(j)] += y.real();
            out_im_[static_cast<size_t>(j)] += y.imag();
        }
    }
    // 4. Synthesis spectrum and the running phases.
    for (size_t k = 0; k < bins_; ++k) {
        if (!identity) {
            spectrum[2 * k] = out_re_[k];
            spectrum[2 * k + 1] = out_im_[k];
        }
        running[k] = next_running_[k];
    }
}

double FrameShifter::shift_adjoint(const double *spectrum, const double *previous,
                                   const double *running, bool started, double r, double *gradient,
                                   double *previous_adjoint, double *running_adjoint) {
    analyse(spectrum, previous, running, started, r);
    const double n = static_cast<double>(window_), e = e_;
    const bool identity = r == 1.0;
    auto scale = [&](size_t k) { return (k == 0 || 2 * k == window_ ? 1.0 : 2.0) / n; };
    // dL/dY_j (true gradients, complex: d/dRe + i d/dIm) from G'.
    for (size_t k = 0; k < bins_; ++k) {
        const bool real = k == 0 || 2 * k == window_;
        out_re_[k] = scale(k) * gradient[2 * k];
        out_im_[k] = real ? 0.0 : scale(k) * gradient[2 * k + 1];
    }
    // The running phases after the frame: a bin no peak writes keeps its value; a written bin
    // is the last writing peak's phi (or arg c with ratio 1).
    std::fill(writer_.begin(), writer_.end(), -1);
    for (size_t p = 0; p < peaks_.size(); ++p) writer_[peaks_[p].target] = static_cast<int32_t>(p);
    for (size_t k = 0; k < bins_; ++k) {
        phase_grad_[k] = previous_adjoint[k]; // previous after the frame = the analysis phase
        previous_adjoint[k] = 0.0;            // previous before: only through the peaks' w
        gradient[2 * k] = identity ? out_re_[k] : 0.0; // dL/dX, true gradient for now
        gradient[2 * k + 1] = identity ? out_im_[k] : 0.0;
    }
    std::vector<double> &next_adjoint = next_running_; // dL/d(running after), by target
    for (size_t k = 0; k < bins_; ++k) {
        next_adjoint[k] = running_adjoint[k];
        if (writer_[k] < 0) continue;
        running_adjoint[k] = 0.0; // overwritten by the frame: gets only the phi path below
    }
    double dr = 0.0;
    for (size_t p = peaks_.size(); p-- > 0;) {
        const Peak &peak = peaks_[p];
        const size_t k = peak.bin, target = peak.target;
        double d_phi = 0.0, d_arg = 0.0, d_abs = 0.0, d_t = 0.0, d_w = 0.0;
        if (writer_[target] == static_cast<int32_t>(p))
            (identity ? d_arg : d_phi) += next_adjoint[target];
        const double abs_c = std::abs(peak.c);
        if (!identity) {
            const std::complex<double> amplitude = std::polar(abs_c, peak.phi);
            const double nearest = static_cast<double>(target);
            const double first = std::max(0.0, nearest - kLobe);
            const double last = std::min(static_cast<double>(bins_ - 1), nearest + kLobe);
            std::complex<double> d_amplitude = 0.0;
            for (double j = first; j <= last; j += 1.0) {
                const std::complex<double> gy(out_re_[static_cast<size_t>(j)],
                                              out_im_[static_cast<size_t>(j)]);
                d_amplitude += std::conj(kernel(j - peak.t)) * gy;
                // y_j = A W(j - t): dy_j / dt = -A W'(j - t).
                d_t += std::real(std::conj(gy) * (-amplitude * kernel_slope(j - peak.t)));
            }
            const std::complex<double> unit = std::polar(1.0, peak.phi);
            d_abs += std::real(std::conj(d_amplitude) * unit);
            d_phi -= std::imag(std::conj(d_amplitude) * amplitude);
        }
        if (started) {
            running_adjoint[target] += d_phi; // phi = wrap(s_J + t e)
            d_t += e * d_phi;
        } else {
            d_arg += d_phi; // phi = arg(c)
        }
        d_w += r * d_t;
        dr += peak.w * d_t;
        // |c| and arg(c) back to c, then c = X_k / W(k - w).
        std::complex<double> d_c = 0.0;
        if (abs_c > 0.0)
            d_c = d_abs * peak.c / abs_c +
                  d_arg * std::complex<double>(0.0, 1.0) * peak.c / (abs_c * abs_c);
        const double x = static_cast<double>(k) - peak.w;
        const std::complex<double> kern = kernel(x);
        const std::complex<double> d_x = d_c / std::conj(kern);
        gradient[2 * k] += d_x.real();
        gradient[2 * k + 1] += d_x.imag();
        // dc/dw = c W'(k - w) / W(k - w).
        d_w += std::real(std::conj(d_c) * peak.c * kernel_slope(x) / kern);
        // w = k + wrap(p_k - p'_k - k e) / e.
        phase_grad_[k] += d_w / e;
        previous_adjoint[k] -= d_w / e;
    }
    // The analysis phases p_k = atan2(Im X_k, Re X_k): dL/dX += dL/dp i X / |X|^2; then the
    // stream's scaling (divide by s).
    for (size_t k = 0; k < bins_; ++k) {
        const double re = spectrum[2 * k], im = spectrum[2 * k + 1];
        const double m2 = re * re + im * im;
        if (m2 > 0.0 && phase_grad_[k] != 0.0) {
            gradient[2 * k] += -phase_grad_[k] * im / m2;
            gradient[2 * k + 1] += phase_grad_[k] * re / m2;
        }
        const double s = scale(k);
        gradient[2 * k] /= s;
        gradient[2 * k + 1] /= s;
    }
    return dr;
}

} // namespace amp::pitch_shift
