// fft_divider.h: the FFT divider node's class, shared by its forward (fft_divider.cpp) and its
// adjoint (fft_divider_adjoint.cpp). See fft_divider.cpp for what it computes.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "dsp/direct_dft.h"
#include "dsp/fft/fft.h"
#include "dsp/spectral_divide.h"
#include "dsp/stft.h"
#include "dsp/window.h"
#include "nodes/node.h"

namespace amp {

namespace fft_divider {

enum : uint32_t {
    kDivisor,
    kDivisorImag,
    kPhaseOffset,
    kLowerBand,
    kUpperBand,
    kIntensity,
    kStabilizer,
    kWindowSize,
    kHop,
    kWindow,
    kAlgorithm,
    kSpectrumTap,
    kParamCount
};
enum : uint32_t { kIn, kDivisorPort };
enum : uint32_t { kBandsTap, kSpectrumTapIndex };
// Numbers per channel of the bands tap, in this order.
enum : uint32_t {
    kLower,
    kUpper,
    kTapIntensity,
    kPhase,
    kInBand,
    kOutOfBand,
    kMeanAbsD,
    kInBandDb,
    kOutOfBandDb,
    kBandValues
};

// The static configuration read from params_json.
struct Geometry {
    uint32_t window = 512; // W
    uint32_t hop = 128;    // H
    dsp::WindowKind kind = dsp::WindowKind::Hann;
    uint32_t algorithm = 0; // 0 fft, 1 dft
    bool spectrum_tap = false;
    static Geometry of(const NodeConfig &config);
    uint32_t bins() const { return window / 2 + 1; }
    uint32_t latency() const { return window - 1; }
};

// The frames of one direction's stream over all lanes (forward: the input x; backward: the
// upstream gradient in reversed time). ring: the current frame's samples [0, fill) per lane
// (W each); acc: overlap-add accumulator per lane (W each), whose first H values are final
// after a frame and move to `ready` (H per lane), the output of the next H samples.
struct FrameStream {
    std::vector<double> ring, acc, ready;
    uint32_t fill = 0;
    void allocate(size_t lanes, const Geometry &g);
    void clear(uint32_t start_fill);
};

} // namespace fft_divider

class FftDividerNode final : public Node {
  public:
    explicit FftDividerNode(const NodeConfig &config);

    uint32_t output_channels(const uint32_t *input_channels, uint32_t input_count,
                             std::string &error) const override;
    void prepare(const PrepareContext &context) override;
    size_t prepared_bytes(const PrepareContext &context) const override;
    void reset() noexcept override;
    void process(const ProcessContext &context) noexcept override;
    int32_t backward(const BackwardContext &context) noexcept override;
    void reset_backward() noexcept override {
        walking_ = false;
        graph_walk_ = false;
    }
    bool has_param_gradient(uint32_t param) const override;
    size_t record_side_doubles(uint64_t frames) const override;
    uint32_t latency_frames() const override { return geometry_.latency(); }
    TapLayout tap_layout(uint32_t tap, uint32_t output_channels) const override;
    size_t state_bytes() const override;
    void save_state(unsigned char *to) const noexcept override;
    void load_state(const unsigned char *from) noexcept override;

  private:
    // The band settings, divisor and telemetry of one frame and lane, from the parameter
    // views at the frame's last sample (index f of the call's window).
    struct FrameParams {
        dsp::BandSettings band;
        double d_re, d_im;
    };
    FrameParams frame_params(const TensorView *params, uint32_t b, uint32_t c, uint32_t f) const;
    void transform(const double *in, double *bins) const;
    void inverse(const double *bins, double *out) const;
    void run_frame(const ProcessContext &ctx, uint32_t f, uint32_t record);
    void publish_telemetry(double *telemetry) const;
    // Side record (graph recordings): per analysis frame, the spectra X of the input lanes
    // then D of the divisor lanes (2 x bins doubles each), at slot (t_m - start) / H.
    size_t side_frame_doubles() const;
    // Adjoint (fft_divider_adjoint.cpp).
    void run_adjoint_frame(const BackwardContext &ctx, uint32_t f);
    void adjoint_divisor_and_params(const BackwardContext &ctx, uint32_t f, uint32_t b, uint32_t c,
                                    const double *x, const double *d);

    fft_divider::Geometry geometry_;
    std::unique_ptr<dsp::StftSetup> setup_; // window, FFT plan, overlap-added squared window
    std::unique_ptr<dsp::DirectRealDft> dft_;
    std::vector<double> out_window_; // w[j] / dsq[j mod H]: the synthesis window
    uint32_t batches_ = 0, channels_ = 0, divisor_channels_ = 0;
    fft_divider::FrameStream forward_;
    std::vector<double> divisor_ring_; // per divisor lane, W samples (the port's frame)
    std::vector<double> frame_, spectrum_, divisor_spectra_, scratch_;
    uint64_t position_ = 0;     // frames processed forward since reset
    double latest_[4] = {};     // phase, lower, upper, intensity of the latest frame (lane 0)
    double configured_[4] = {}; // the same from params_json (clamped), before any frame
    // Backward: the walk from the end of the forward stream (fft_divider_adjoint.cpp).
    fft_divider::FrameStream backward_;
    // The divisor port's gradient stream (acc and ready per divisor lane; its ring is unused),
    // the upstream spectrum G of the frame, and the divisor gradient spectra of the frame.
    fft_divider::FrameStream divisor_backward_;
    std::vector<double> upstream_, divisor_grads_;
    bool walking_ = false;
    bool graph_walk_ = false;    // the walk is a graph pass's (a recorded re-render keeps it)
    uint64_t walk_position_ = 0; // stream frame where the next backward window ends
};

} // namespace amp
