// fft_divider_adjoint.cpp: the FFT divider's backward mode, the exact adjoint in x for a fixed
// divisor (the divisor / divisor_imag parameters), band gates and phase.
//
// The forward is y = sum_m Out_m wo . T_m . w . In_m x: In_m takes the W samples ending at
// t_m = m H + H - 1, T_m = irfft . M_m . rfft (M_m the frame's multipliers, a real circulant),
// wo = w / dsq the synthesis window, Out_m places the frame at y[t_m .. t_m + W - 1]. Its
// transpose is dx = sum_m In_m^T w . T_m^T . wo . Out_m^T v with T_m^T = irfft . conj(M_m) .
// rfft. Frame m of the adjoint needs v[t_m .. t_m + W - 1] and writes dx[t_m - W + 1 .. t_m], so
// in reversed time it is the forward's streaming structure again: the same FrameStream runs over
// the reversed gradient, each frame's segment and contribution reversed.
//
// Calls on one state walk back from the end of its forward stream (N frames; in a graph
// backward pass, the end of the recorded span): each window lies just before the previous one
// (back-propagation through time), a fresh walk starts whenever the forward advanced or
// reset_backward() was called (every graph pass). Frame m's parameters are read from the backward
// call whose window holds t_m (the views of that call, at the same stream frame as in the forward).
// Any split of the walk into windows gives the same bits. A divisor signal on the port is refused:
// frame m needs the divisor's W samples up to t_m, earlier than the walk has seen.
#include <algorithm>
#include <cstring>

#include "nodes/fft_divider.h"

namespace amp {

using namespace fft_divider;

// One adjoint frame over every lane; its t_m is index f of the call's window. The lane rings
// hold the gradient reversed: ring[i] = v[t_m + W - 1 - i].
void FftDividerNode::run_adjoint_frame(const BackwardContext &ctx, uint32_t f) {
    const uint32_t W = geometry_.window, H = geometry_.hop;
    const double *w = setup_->window();
    for (uint32_t b = 0; b < batches_; ++b)
        for (uint32_t c = 0; c < channels_; ++c) {
            const size_t lane = static_cast<size_t>(b) * channels_ + c;
            const FrameParams p = frame_params(ctx.params, b, c, f);
            const double *ring = backward_.ring.data() + lane * W;
            for (uint32_t j = 0; j < W; ++j) frame_[j] = ring[W - 1 - j] * out_window_[j];
            transform(frame_.data(), spectrum_.data());
            dsp::divide_frame_adjoint(spectrum_.data(), nullptr, p.d_re, p.d_im, W, p.band,
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
}

int32_t FftDividerNode::backward(const BackwardContext &ctx) noexcept {
    auto refuse = [&ctx](int32_t status, const char *why) {
        if (ctx.error != nullptr) *ctx.error = why;
        return status;
    };
    if (divisor_channels_ > 0)
        return refuse(AMP_ERR_UNSUPPORTED,
                      "the adjoint with a divisor signal is not available (frame m needs the "
                      "divisor's W samples up to t_m, earlier than a walk from the end has "
                      "seen); give the divisor as the divisor / divisor_imag parameters");
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
        walk_position_ = end;
        walking_ = true;
    }
    if (n > walk_position_)
        return refuse(AMP_ERR_INVALID_ARGUMENT,
                      "the backward window reaches before the start of the forward stream "
                      "(backward calls walk back over the frames the state rendered forward)");
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
            backward_.fill = P;
        }
        f += take;
    }
    walk_position_ -= n;
    publish_telemetry(ctx.telemetry);
    return AMP_OK;
}

} // namespace amp
