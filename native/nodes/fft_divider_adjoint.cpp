// fft_divider_adjoint.cpp: the FFT divider's backward mode: the exact adjoint in x, in the
// divisor signal d (its port) and in every signal parameter, per analysis frame.
//
// The forward is y = sum_m Out_m wo . irfft(Y_m), Y_m = X_m M_m per bin, X_m = rfft(w . In_m x),
// M = conj(D) / max(|D|^2, eps) g exp(i phase) (dsp/spectral_divide.h): In_m takes the W samples
// ending at t_m = m H + H - 1, wo = w / dsq the synthesis window, Out_m places the frame at
// y[t_m .. t_m + W - 1]. In x it is linear, its transpose dx = sum_m In_m^T w . irfft(conj(M_m)
// G_m) with G_m = rfft(wo . Out_m^T v) (irfft keeps the real part of the real bins, so they use
// Re(M)). Frame m of the adjoint needs v[t_m .. t_m + W - 1] and writes dx[t_m - W + 1 .. t_m], so
// in reversed time it is the forward's streaming structure again: the same FrameStream runs over
// the reversed gradient, each frame's segment and contribution reversed.
//
// In d and in the parameters the frame is not linear; its derivatives are taken at the forward's
// spectra X_m and D_m, which a graph recording keeps per analysis frame (the side record,
// Node::record_side_doubles: slot (t_m - start) / H holds every lane's X then every divisor
// lane's D). With dL/dY_k = s_k G'_k (s = 2 / W on the complex bins, 1 / W on the real ones, G'
// = G with the real bins' imaginary part dropped) and n = max(|D|^2, eps):
//   |D|^2 >= eps: Y = X c / D (c = g exp(i phase)), holomorphic: dL/dD = conj(-X c / D^2) dL/dY;
//   |D|^2 <  eps: Y = X c conj(D) / eps, anti-holomorphic: dL/dD = (X c / eps) conj(dL/dY);
// (dL/dD meaning dL/dRe D + i dL/dIm D). The divisor port's gradient is then w . irfft(F) with F =
// dL/dD / s per bin (the transpose of D = rfft(w d), as for x), overlap-added in reversed time
// like dx; a divisor with 1 channel feeding C lanes sums their shares in channel order. The
// parameters of frame m were read at t_m, so their gradients land on frame t_m (every other frame
// of a parameter gets 0): divisor / divisor_imag (the open port's constant divisor, summed over
// the bins: Re and Im of sum dL/dD_k), phase_offset (-sum s Im(conj(G') Y)), filter_intensity
// (through max(intensity, 1e-6) inside the band and max(1 - intensity, 1e-6) outside, and the
// clamp to [0, 1]), stabilizer (only the bins with |D|^2 < eps: dY/deps = -Y / eps; 0 below its
// 1e-12 floor). The band edges only move which bins are inside: piecewise constant, gradient 0
// (almost everywhere; a finite difference across a bin's normalised frequency sees a step).
//
// Calls on one state walk back from the end of its forward stream (N frames; in a graph
// backward pass, the end of the recorded span): each window lies just before the previous one
// (back-propagation through time), a fresh walk starts whenever the forward advanced or
// reset_backward() was called (every graph pass; a graph pass's checkpoint re-renders keep its
// walk). Frame m's parameters are read from the backward call whose window holds t_m (the views
// of that call, at the same stream frame as in the forward). Any split of the walk into windows
// gives the same bits. A single-node call has no recording: with a divisor signal on the port it
// is refused (frame m needs D_m, from samples earlier than the walk has seen).
#include <algorithm>
#include <cmath>
#include <cstring>

#include "nodes/fft_divider.h"

namespace amp {

using namespace fft_divider;

// One adjoint frame over every lane; its t_m is index f of the call's window. The lane rings
// hold the gradient reversed: ring[i] = v[t_m + W - 1 - i].
void FftDividerNode::run_adjoint_frame(const BackwardContext &ctx, uint32_t f) {
    const uint32_t W = geometry_.window, H = geometry_.hop, bins = geometry_.bins();
    const double *w = setup_->window();
    const size_t lanes = static_cast<size_t>(batches_) * channels_;
    // The forward's spectra of this frame (graph passes; single-node calls have none).
    const double *side = ctx.record_side == nullptr
                             ? nullptr
                             : ctx.record_side + (ctx.frame_index + f - ctx.record_side_start) / H *
                                                     side_frame_doubles();
    std::fill(divisor_grads_.begin(), divisor_grads_.end(), 0.0);
    for (uint32_t b = 0; b < batches_; ++b)
        for (uint32_t c = 0; c < channels_; ++c) {
            const size_t lane = static_cast<size_t>(b) * channels_ + c;
            const FrameParams p = frame_params(ctx.params, b, c, f);
            const double *ring = backward_.ring.data() + lane * W;
            for (uint32_t j = 0; j < W; ++j) frame_[j] = ring[W - 1 - j] * out_window_[j];
            transform(frame_.data(), spectrum_.data());
            const double *d = side == nullptr || divisor_channels_ == 0
                                  ? nullptr
                                  : side + (lanes + static_cast<size_t>(b) * divisor_channels_ +
                                            c % divisor_channels_) *
                                               2 * bins;
            if (side != nullptr) {
                std::copy(spectrum_.begin(), spectrum_.end(), upstream_.begin());
                adjoint_divisor_and_params(ctx, f, b, c, side + lane * 2 * bins, d);
            }
            dsp::divide_frame_adjoint(spectrum_.data(), d, p.d_re, p.d_im, W, p.band,
                                      spectrum_.data());
            inverse(spectrum_.data(), frame_.data());
            double *acc = backward_.acc.data() + lane * W;
            for (uint32_t j = 0; j < W; ++j) acc[j] += frame_[W - 1 - j] * w[W - 1 - j];
            std::copy(acc, acc + H, backward_.ready.data() + lane * H);
            std::memmove(acc, acc + H, (W - H) * sizeof(double));
            std::fill(acc + (W - H), acc + W, 0.0);
            if (lane == 0) {
                latest_[0] = p.band.phase;
                latest_[1] = p.band.lower;
                latest_[2] = p.band.upper;
                latest_[3] = p.band.intensity;
            }
        }
    if (side == nullptr) return;
    // The divisor lanes: w . irfft(F), overlap-added in reversed time (as dx).
    for (size_t dl = 0; dl < static_cast<size_t>(batches_) * divisor_channels_; ++dl) {
        inverse(divisor_grads_.data() + dl * 2 * bins, frame_.data());
        double *acc = divisor_backward_.acc.data() + dl * W;
        for (uint32_t j = 0; j < W; ++j) acc[j] += frame_[W - 1 - j] * w[W - 1 - j];
        std::copy(acc, acc + H, divisor_backward_.ready.data() + dl * H);
        std::memmove(acc, acc + H, (W - H) * sizeof(double));
        std::fill(acc + (W - H), acc + W, 0.0);
    }
}

// Lane (b, c) of the frame at index f: adds its share of the divisor port's spectrum F
// (divisor_grads_, when `d` is the recorded D) and writes its parameter gradients at frame f,
// from the upstream spectrum G (upstream_) and the recorded X (`x`). See the header.
void FftDividerNode::adjoint_divisor_and_params(const BackwardContext &ctx, uint32_t f, uint32_t b,
                                                uint32_t c, const double *x, const double *d) {
    const uint32_t W = geometry_.window, bins = geometry_.bins();
    const FrameParams p = frame_params(ctx.params, b, c, f);
    const double raw_intensity = ctx.params[kIntensity].at(b, c, f);
    const double raw_phase = ctx.params[kPhaseOffset].at(b, c, f);
    const double raw_eps = ctx.params[kStabilizer].at(b, c, f);
    const double eps = p.band.eps, half = static_cast<double>(W) / 2.0;
    // The gains max(intensity, 1e-6) and max(1 - intensity, 1e-6) (spectral_divide.cpp) and
    // their derivatives in the raw intensity (0 where a clamp or a floor holds).
    constexpr double kGainFloor = 1e-6;
    const double in_gain = std::max(p.band.intensity, kGainFloor);
    const double out_gain = std::max(1.0 - p.band.intensity, kGainFloor);
    const bool clamped = !(raw_intensity > 0.0 && raw_intensity < 1.0);
    const double in_slope = clamped || p.band.intensity < kGainFloor ? 0.0 : 1.0;
    const double out_slope = clamped || 1.0 - p.band.intensity < kGainFloor ? 0.0 : -1.0;
    const double cos_p = std::cos(p.band.phase), sin_p = std::sin(p.band.phase);
    double *divisor_grad =
        d == nullptr
            ? nullptr
            : divisor_grads_.data() +
                  (static_cast<size_t>(b) * divisor_channels_ + c % divisor_channels_) * 2 * bins;
    double d_phase = 0.0, d_intensity = 0.0, d_eps = 0.0, d_re = 0.0, d_im = 0.0;
    for (uint32_t k = 0; k < bins; ++k) {
        const bool real = k == 0 || (W % 2 == 0 && 2 * k == W);
        const double s = (real ? 1.0 : 2.0) / static_cast<double>(W);
        const double gr = upstream_[2 * k], gi = real ? 0.0 : upstream_[2 * k + 1];
        const double dr = d != nullptr ? d[2 * k] : p.d_re;
        const double di = d != nullptr ? d[2 * k + 1] : p.d_im;
        const double xr = x[2 * k], xi = x[2 * k + 1];
        const double magnitude2 = dr * dr + di * di;
        const bool floored = magnitude2 < eps; // std::max(|D|^2, eps) takes eps
        const double norm = floored ? eps : magnitude2;
        const double nu = static_cast<double>(k) / half;
        const bool inside = nu >= p.band.lower && nu <= p.band.upper;
        const double g = inside ? in_gain : out_gain;
        const double slope = inside ? in_slope : out_slope;
        // P = X conj(D) / n exp(i phase); Y = g P.
        const double qr = (xr * dr + xi * di) / norm, qi = (xi * dr - xr * di) / norm;
        const double pr = qr * cos_p - qi * sin_p, pi = qr * sin_p + qi * cos_p;
        const double yr = g * pr, yi = g * pi;
        // Re(conj(G') Z) = gr zr + gi zi; Im(conj(G') Z) = gr zi - gi zr.
        d_intensity += s * slope * (gr * pr + gi * pi);
        d_phase -= s * (gr * yi - gi * yr);
        if (floored) d_eps -= s * (gr * yr + gi * yi) / eps;
        // F: dL/dD / s. c = g exp(i phase), X c = (ar, ai).
        const double cr = g * cos_p, ci = g * sin_p;
        const double ar = xr * cr - xi * ci, ai = xr * ci + xi * cr;
        double fr, fi;
        if (floored) { // (X c / eps) conj(G')
            const double kr = ar / eps, ki = ai / eps;
            fr = kr * gr + ki * gi;
            fi = ki * gr - kr * gi;
        } else { // conj(h') G' with h' = -X c / D^2 = -X c conj(D^2) / |D|^4
            const double er = dr * dr - di * di, ei = 2.0 * dr * di; // D^2
            const double m4 = magnitude2 * magnitude2;
            const double hr = -(ar * er + ai * ei) / m4, hi = -(ai * er - ar * ei) / m4;
            fr = hr * gr + hi * gi;
            fi = hr * gi - hi * gr;
        }
        if (divisor_grad != nullptr) {
            divisor_grad[2 * k] += fr;
            divisor_grad[2 * k + 1] += fi;
        } else {
            d_re += s * fr;
            d_im += s * fi;
        }
    }
    auto put = [&](uint32_t param, double value) {
        if (double *row = ctx.param_gradient_row(param, b, c)) row[f] += value;
    };
    if (ctx.param_gradients == nullptr) return;
    if (std::isfinite(raw_phase)) put(kPhaseOffset, d_phase);
    put(kIntensity, d_intensity);
    if (std::isfinite(raw_eps) && raw_eps >= 1e-12) put(kStabilizer, d_eps);
    if (d == nullptr) {
        put(kDivisor, d_re);
        put(kDivisorImag, d_im);
    }
}

int32_t FftDividerNode::backward(const BackwardContext &ctx) noexcept {
    auto refuse = [&ctx](int32_t status, const char *why) {
        if (ctx.error != nullptr) *ctx.error = why;
        return status;
    };
    if (divisor_channels_ > 0 && ctx.record_side == nullptr)
        return refuse(AMP_ERR_UNSUPPORTED,
                      "the adjoint with a divisor signal needs a graph recording (frame m needs "
                      "the divisor's spectrum, from samples earlier than a walk from the end "
                      "has seen); record a graph render, or give the divisor as the divisor / "
                      "divisor_imag parameters");
    if (ctx.batches != batches_ || ctx.input_channels != channels_)
        return refuse(AMP_ERR_SHAPE_MISMATCH,
                      "the gradient's batches or channels differ from the forward stream's");
    const uint32_t W = geometry_.window, H = geometry_.hop, P = W - H, n = ctx.frames;
    if (!walking_) {
        // The walk starts at the end N of the forward stream (single-node calls) or of the
        // recorded span (graph pass: its first window ends there; the forward may have run on).
        // The first reversed frame completes at the last t_m <= N - 1, after N mod H + 1
        // samples; the ring's first W - 1 - (N mod H) values are the zeros beyond the end.
        const uint64_t end = ctx.inputs != nullptr ? ctx.frame_index + n : position_;
        backward_.clear(W - 1 - static_cast<uint32_t>(end % H));
        divisor_backward_.clear(W - 1 - static_cast<uint32_t>(end % H));
        walk_position_ = end;
        walking_ = true;
        graph_walk_ = ctx.inputs != nullptr;
    }
    if (n > walk_position_)
        return refuse(AMP_ERR_INVALID_ARGUMENT,
                      "the backward window reaches before the start of the forward stream "
                      "(backward calls walk back over the frames the state rendered forward)");
    // The divisor port's gradient (graph passes with a divisor signal), dense like ctx.out.
    const size_t divisor_lanes = static_cast<size_t>(batches_) * divisor_channels_;
    double *dd = divisor_lanes > 0 ? ctx.input_gradient(kDivisorPort) : nullptr;
    for (uint32_t f = 0; f < n;) { // f counts the window's samples in reversed order
        const uint32_t fill = backward_.fill;
        const uint32_t take = std::min(n - f, W - fill);
        const bool complete = fill + take == W;
        for (uint32_t b = 0; b < batches_; ++b)
            for (uint32_t c = 0; c < channels_; ++c) {
                const size_t lane = static_cast<size_t>(b) * channels_ + c;
                const double *g = ctx.gradient.row(b, c);
                double *dx = ctx.out + lane * n;
                double *ring = backward_.ring.data() + lane * W + fill;
                const double *ready = backward_.ready.data() + lane * H + (fill - P + 1);
                for (uint32_t k = 0; k < take; ++k) ring[k] = g[n - 1 - (f + k)];
                for (uint32_t k = 0; k < (complete ? take - 1 : take); ++k)
                    dx[n - 1 - (f + k)] = ready[k];
            }
        for (size_t dl = 0; dd != nullptr && dl < divisor_lanes; ++dl) {
            const double *ready = divisor_backward_.ready.data() + dl * H + (fill - P + 1);
            for (uint32_t k = 0; k < (complete ? take - 1 : take); ++k)
                dd[dl * n + n - 1 - (f + k)] = ready[k];
        }
        backward_.fill = fill + take;
        if (complete) {
            const uint32_t last = n - 1 - (f + take - 1);
            run_adjoint_frame(ctx, last);
            for (uint32_t b = 0; b < batches_; ++b)
                for (uint32_t c = 0; c < channels_; ++c) {
                    const size_t lane = static_cast<size_t>(b) * channels_ + c;
                    ctx.out[lane * n + last] = backward_.ready[lane * H];
                    double *ring = backward_.ring.data() + lane * W;
                    std::memmove(ring, ring + H, P * sizeof(double));
                }
            for (size_t dl = 0; dd != nullptr && dl < divisor_lanes; ++dl)
                dd[dl * n + last] = divisor_backward_.ready[dl * H];
            backward_.fill = P;
        }
        f += take;
    }
    walk_position_ -= n;
    publish_telemetry(ctx.telemetry);
    return AMP_OK;
}

} // namespace amp
