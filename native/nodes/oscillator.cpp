// oscillator: sine, saw, square (pulse width) or triangle, naive or band-limited (PolyBLEP,
// BLAMP at the triangle's corners), optionally through a leaky integrator or a slew-limited
// op-amp follower, rendered at oversample x sr and decimated by a linear-phase polyphase FIR.
//
// Per internal sample (rate oversample x sr), per wave lane (batch, channel):
//   phase <- phase + frequency / (oversample sr) (exact modular phase, dsp/modular_phase.h),
//   advanced before the sample; a rising edge of reset above 0.5 sets phase to 0 first;
//   w = wave(phase + phase_offset) (dsp/osc_wave.h; driver polyblep or naive);
//   mode direct: v = w; integrator: acc <- leak^(1/os) acc + (integrator_gain / os) w;
//   op_amp: y <- y + clamp(w - y, +-slew / (os sr)); v is clamped to +-clamp in every mode;
//   s = amplitude x v; stereo: left = s cos(a), right = s sin(a), a = (pan + 1) pi / 4.
// Parameters are held over the internal samples of their frame. Each output channel is then
// decimated (dsp/resample/decimator.h, tier `quality`): its latency is the tier's K frames
// (linear 1, fast 16, best 40) when oversample > 1, reported as the node's latency (declared
// and measured delay; latency compensation aligns other branches). oversample 1 renders at
// sr with no filter and no latency. leak and integrator_gain are per output frame (the
// integrator's response does not depend on oversample); slew is per second.
// Ports: none (a source). Outputs: `channels` channels, or 2 x channels when stereo (pairs
// left, right per wave lane). Inference: giving leak / integrator_gain selects mode
// integrator, slew selects op_amp, pulse_width selects waveform square and pan selects stereo
// when those are not given; giving them against an explicit other choice is refused.
// cache (with cache_frames): the periodicity cache of nodes/oscillator_cache.h replays exact
// periods while the parameter values stay the same; the same bits as without. Telemetry
// reserved[0]: frames served from the cache since the stream started (cache on).
// preset: "none", a shipped preset (kPresets) or a JSON object of parameter values, applied by
// the runtime where params_json gives none (runtime/node_config.cpp); its 48-bit content hash
// is published as telemetry reserved[1].
// Heat: the shared model on its output, W = 12 per internal sample (x oversample).
// Backward (graph backward pass): the render records per wave lane and frame the modular phase
// of each internal sample (phase + phase_offset, the integer in [0, N) as a double; os rows)
// and whether reset restarted the phase on that frame (one row); modes integrator and op_amp
// also the state after each internal sample and its flags (state clamp passed, slew limited;
// 2 x os rows). It records whether the cache served the frame or not (from the lane state at
// the frame's start), so the gradients are the same with the cache on and off.
// Backward recomputes each internal sample v = clamp(wave(t, dt, width)) and, per output
// channel, takes the sample gradients xbar: the output frame's gradient at oversample 1, else
// the decimator's transpose (dsp/resample/decimator.h, frames from the last). Then, with
// s = gain v per channel (gain = amplitude, or amplitude cos / sin of the pan angle):
//   d amplitude = sum_r xbar v (x cos / sin when stereo); d pan = amplitude (pi / 4)
//   sum_r v (-sin xbar_left + cos xbar_right), 0 outside [-1, 1]; vbar = sum_ch gain xbar,
//   0 where the clamp cut v; tbar = vbar dwave/dt, dtbar = vbar dwave/d dt, and d pulse_width
//   = vbar dwave/d width (0 outside [0, 1]) from dsp/osc_wave.h's wave_slopes (the PolyBLEP /
//   BLAMP residuals' dependence on the phase and on dt included);
//   d phase_offset[f] = sum_r tbar[f][r];
//   d frequency[f] = (2^20 / N) (sum_r (r + 1) tbar[f][r] + os sum_{j > f} sum_r tbar[j][r]
//   +- sum_r dtbar[f][r]) (phase units per Hz: the increment is f x 2^20 units of 1 / N cycle;
//   dt = min(inc, N - inc) / N: + for inc < N / 2), the running sum over later frames carried
//   across windows and cleared on frames where reset restarted the phase; d reset = 0 (a
//   threshold). Exact between the naive waves' jumps (saw, square), whose Dirac terms it
//   ignores, and the kinks of the residuals and the clamps (a sample exactly on one takes one
//   side's slope); the rounding of the increment (2^-20 Hz) and of phase_offset (1 / N cycle)
//   is ignored. Modes integrator and op_amp: vbar is the wave sample's gradient through the
//   recursion's adjoint, run over the internal samples from the last (carried across frames
//   and windows): S = gain xbar + carry (dL/d state[n]), P = S where the state clamp passed
//   else 0; integrator (state = clamp(leak' state + gain' w)): vbar = gain' P, carry =
//   leak' P; op_amp (state = clamp(state + clamp(w - state, +-slew'))): free, vbar = P and
//   carry = 0; slew-limited, vbar = 0 and carry = P. d amplitude uses the recorded states.
// Mode direct, oversample 1, mono: the same operations in oscillator_adjoint.h's block loop
// (same bits), and a recorded render of that configuration takes oscillator_block.h's loop
// after record_direct has written the rows.
#include <algorithm>
#include <cmath>
#include <vector>

#include "dsp/modular_phase.h"
#include "dsp/osc_wave.h"
#include "dsp/resample/decimator.h"
#include "dsp/sin2pi.h"
#include "nodes/node.h"
#include "nodes/node_helpers.h"
#include "nodes/oscillator_adjoint.h"
#include "nodes/oscillator_block.h"
#include "nodes/oscillator_cache.h"
#include "nodes/oscillator_config.h"

namespace amp {
namespace {

using namespace oscillator;

class OscillatorNode final : public Node {
  public:
    explicit OscillatorNode(const NodeConfig &config) : settings_(resolve(config)) {}

    uint32_t output_channels(const uint32_t *, uint32_t, std::string &) const override {
        return settings_.channels * (settings_.stereo ? 2 : 1);
    }
    uint32_t latency_frames() const override {
        return settings_.oversample > 1 ? dsp::resample::tier_spec(settings_.quality).half_periods
                                        : 0;
    }
    size_t prepared_bytes(const PrepareContext &ctx) const override {
        const size_t os = settings_.oversample;
        const size_t taps =
            os > 1 ? 2 * dsp::resample::half_length(settings_.quality, settings_.oversample) + 1
                   : 1;
        const size_t outputs = static_cast<size_t>(ctx.batches) * ctx.output_channels;
        const size_t cache = settings_.cache ? settings_.cache_frames : 0;
        const size_t adjoint = os > 1 ? taps : 0; // the decimator's transpose
        return static_cast<size_t>(ctx.batches) * settings_.channels *
                   (sizeof(Lane) + cache * sizeof(LaneState) + 2 * sizeof(double)) +
               outputs * ((2 * taps + taps + adjoint + cache * (os + 1)) * sizeof(double) +
                          sizeof(uint32_t)) +
               4 * os * sizeof(double);
    }
    void prepare(const PrepareContext &ctx) override {
        const uint32_t os = settings_.oversample;
        lanes_.assign(static_cast<size_t>(ctx.batches) * settings_.channels, Lane{});
        decimator_.prepare(settings_.quality, os,
                           static_cast<size_t>(ctx.batches) * ctx.output_channels);
        cycle_ = dsp::modular_cycle(ctx.sample_rate, os);
        slew_step_ = settings_.slew / (ctx.sample_rate * os);
        left_.assign(os, 0.0);
        right_.assign(os, 0.0);
        pending_.assign(lanes_.size(), 0.0);
        carry_.assign(lanes_.size(), 0.0);
        high_bar_.assign(2 * static_cast<size_t>(os), 0.0);
        if (os > 1)
            adjoint_.prepare(decimator_, static_cast<size_t>(ctx.batches) * ctx.output_channels);
        if (settings_.cache)
            cache_.prepare(lanes_.size(), settings_.stereo ? 2 : 1, os, settings_.cache_frames,
                           decimator_);
    }
    void reset() noexcept override {
        std::fill(lanes_.begin(), lanes_.end(), Lane{});
        decimator_.reset();
        cache_.reset();
    }
    size_t state_bytes() const override {
        return lanes_.size() * sizeof(Lane) + decimator_.state_bytes() +
               (settings_.cache ? cache_.state_bytes() : 0);
    }
    void save_state(unsigned char *to) const noexcept override {
        to = decimator_.save(save_values(to, lanes_.data(), lanes_.size()));
        if (settings_.cache) cache_.save(to);
    }
    void load_state(const unsigned char *from) noexcept override {
        from = decimator_.load(load_values(from, lanes_.data(), lanes_.size()));
        if (settings_.cache) cache_.load(from);
    }

    void process(const ProcessContext &ctx) noexcept override {
        const uint32_t per_lane = settings_.stereo ? 2 : 1;
        for (uint32_t b = 0; b < ctx.batches; ++b)
            for (uint32_t c = 0; c < settings_.channels; ++c) {
                Lane &lane = lanes_[static_cast<size_t>(b) * settings_.channels + c];
                const size_t out_lane =
                    (static_cast<size_t>(b) * settings_.channels + c) * per_lane;
                Rows rows(ctx, b, c);
                if (ctx.frames > 0) hoist(rows);
                double *left = ctx.out_row(b, c * per_lane);
                double *right = settings_.stereo ? ctx.out_row(b, c * per_lane + 1) : nullptr;
                if (ctx.frames > 0 && direct_block(ctx)) {
                    if (ctx.record != nullptr) record_direct(lane, rows, ctx, b, c);
                    render_direct(lane, rows, left, ctx.frames);
                    continue;
                }
                const size_t wave_lane = static_cast<size_t>(b) * settings_.channels + c;
                double *record = ctx.record != nullptr ? ctx.record + wave_lane * rows_per_lane() *
                                                                          ctx.record_lane_stride
                                                       : nullptr;
                for (uint32_t f = 0; f < ctx.frames; ++f) {
                    LaneState start{lane.phase, lane.state};
                    double out[2] = {0.0, 0.0};
                    if (settings_.cache) {
                        const double key[kKeyValues] = {
                            rows.frequency[f * rows.fs], rows.amplitude[f * rows.as],
                            rows.pan[f * rows.ps],       rows.offset[f * rows.os],
                            rows.width[f * rows.ws],     rows.reset[f * rows.rs]};
                        const uint64_t step =
                            dsp::modular_increment(key[0], cycle_) * settings_.oversample % cycle_;
                        if (cache_.before(wave_lane, key, step, cycle_, start, decimator_, out)) {
                            left[f] = out[0];
                            if (right != nullptr) right[f] = out[1];
                            // A served frame never restarts the phase (its run began rendered).
                            if (record != nullptr)
                                record_frame(rows, f, cache_.served_start(wave_lane), false, record,
                                             ctx.record_lane_stride);
                            continue;
                        }
                        lane.phase = start.phase; // restored when a replay ended
                        lane.state = start.state;
                    }
                    if (record != nullptr)
                        record_frame(rows, f, start,
                                     rows.reset[f * rows.rs] > 0.5 && lane.reset_high == 0.0,
                                     record, ctx.record_lane_stride);
                    render_frame(lane, rows, f);
                    out[0] = settings_.oversample > 1 ? decimator_.process(out_lane, left_.data())
                                                      : left_[0];
                    if (right != nullptr)
                        out[1] = settings_.oversample > 1
                                     ? decimator_.process(out_lane + 1, right_.data())
                                     : right_[0];
                    left[f] = out[0];
                    if (right != nullptr) right[f] = out[1];
                    if (settings_.cache) {
                        const double *const high[2] = {left_.data(), right_.data()};
                        cache_.after(wave_lane, start, LaneState{lane.phase, lane.state}, high, out,
                                     decimator_);
                    }
                }
            }
        if (settings_.cache && ctx.telemetry != nullptr)
            ctx.telemetry[0] = static_cast<double>(cache_.replayed_frames());
        if (settings_.preset_hash != 0 && ctx.telemetry != nullptr)
            ctx.telemetry[1] = static_cast<double>(settings_.preset_hash);
    }

    uint32_t record_rows() const override {
        return static_cast<uint32_t>(lanes_.size()) * rows_per_lane();
    }
    // Every signal parameter (pan, pulse_width and reset have 0 where they do not act).
    bool has_param_gradient(uint32_t param) const override { return param <= kReset; }
    void reset_backward() noexcept override {
        std::fill(pending_.begin(), pending_.end(), 0.0);
        std::fill(carry_.begin(), carry_.end(), 0.0);
        if (settings_.oversample > 1) adjoint_.reset();
    }

    int32_t backward(const BackwardContext &ctx) noexcept override {
        if (ctx.record == nullptr) {
            if (ctx.error != nullptr)
                *ctx.error = "the oscillator's adjoint needs a recorded graph render";
            return AMP_ERR_UNSUPPORTED;
        }
        for (uint32_t b = 0; b < ctx.batches; ++b)
            for (uint32_t c = 0; c < settings_.channels; ++c)
                if (!backward_direct(ctx, b, c)) backward_lane(ctx, b, c);
        return AMP_OK;
    }

  private:
    struct Lane {
        uint64_t phase = 0;      // modular phase, units of 1 / cycle_
        double state = 0.0;      // integrator accumulator or follower output
        double reset_high = 0.0; // 1 while reset is above 0.5
    };
    // Frame f's parameter values of one lane.
    struct Rows {
        const double *frequency, *amplitude, *pan, *offset, *width, *reset;
        size_t fs, as, ps, os, ws, rs; // frame strides (0: constant over the block)
        Rows(const ProcessContext &ctx, uint32_t b, uint32_t c) {
            auto pick = [&](uint32_t p, const double *&row, size_t &stride) {
                row = ctx.params[p].row(b, c);
                stride = ctx.params[p].frame_stride();
            };
            pick(kFrequency, frequency, fs);
            pick(kAmplitude, amplitude, as);
            pick(kPan, pan, ps);
            pick(kPhaseOffset, offset, os);
            pick(kPulseWidth, width, ws);
            pick(kReset, reset, rs);
        }
    };

    // Renders one output frame's internal samples into left_ (and right_ when stereo).
    void render_frame(Lane &lane, const Rows &rows, uint32_t f) noexcept {
        const uint32_t os = settings_.oversample;
        // Constant rows over the block: the values computed once per lane (process()).
        const bool constant = rows.fs == 0;
        const uint64_t inc =
            constant ? hoisted_.inc : dsp::modular_increment(rows.frequency[f * rows.fs], cycle_);
        const double dt = constant ? hoisted_.dt : blep_dt(inc, cycle_);
        const double reset = rows.reset[f * rows.rs];
        if (reset > 0.5 && lane.reset_high == 0.0) lane.phase = 0;
        lane.reset_high = reset > 0.5 ? 1.0 : 0.0;
        const uint64_t offset = rows.os != 0
                                    ? dsp::modular_from_cycles(rows.offset[f * rows.os], cycle_)
                                    : hoisted_.offset;
        const double width = std::clamp(rows.width[f * rows.ws], 0.0, 1.0);
        const double amplitude = rows.amplitude[f * rows.as];
        double gain_left = amplitude, gain_right = 0.0;
        if (settings_.stereo) {
            const double pan = std::clamp(rows.pan[f * rows.ps], -1.0, 1.0);
            const dsp::Phase angle = dsp::phase_from_cycles((pan + 1.0) / 8.0);
            gain_left = amplitude * dsp::sin2pi(angle + (dsp::Phase{1} << 62)); // cos
            gain_right = amplitude * dsp::sin2pi(angle);
        }
        const bool band_limited = settings_.driver == Driver::PolyBlep;
        for (uint32_t r = 0; r < os; ++r) {
            lane.phase = dsp::modular_add(lane.phase, inc, cycle_);
            const uint64_t p = dsp::modular_add(lane.phase, offset, cycle_);
            const double t = dsp::modular_cycles(p, cycle_);
            const dsp::Phase fixed =
                settings_.wave == dsp::Wave::Sine ? dsp::modular_to_fixed(p, cycle_) : 0;
            double v = dsp::wave_sample(settings_.wave, t, fixed, dt, width, band_limited);
            switch (settings_.mode) {
            case Mode::Direct: break;
            case Mode::Integrator:
                lane.state = settings_.leak_step * lane.state + settings_.gain_step * v;
                lane.state = std::clamp(lane.state, -settings_.clamp, settings_.clamp);
                v = lane.state;
                break;
            case Mode::OpAmp:
                lane.state += std::clamp(v - lane.state, -slew_step_, slew_step_);
                lane.state = std::clamp(lane.state, -settings_.clamp, settings_.clamp);
                v = lane.state;
                break;
            }
            v = std::clamp(v, -settings_.clamp, settings_.clamp);
            left_[r] = gain_left * v;
            right_[r] = gain_right * v;
        }
    }

    // True when this lane's block can take oscillator_block.h's loops: mode direct, no
    // oversampling, cache or stereo (a recorded render records first: record_direct).
    bool direct_block(const ProcessContext &) const noexcept {
        return settings_.mode == Mode::Direct && settings_.oversample == 1 && !settings_.cache &&
               !settings_.stereo;
    }
    void render_direct(Lane &lane, const Rows &rows, double *out, uint32_t frames) noexcept {
        const DirectRows direct{rows.frequency, rows.amplitude,  rows.offset,    rows.width,
                                rows.reset,     rows.fs,         rows.as,        rows.os,
                                rows.ws,        rows.rs,         cycle_,         hoisted_.inc,
                                hoisted_.dt,    hoisted_.offset, settings_.clamp};
        DirectLane state{lane.phase, lane.reset_high};
        render_direct_block(settings_.wave, settings_.driver == Driver::PolyBlep, state, direct,
                            out, frames);
        lane.phase = state.phase;
        lane.reset_high = state.reset_high;
    }

    // Values of one lane's parameters that are constant over the block (frame stride 0),
    // computed once per lane and block instead of once per frame.
    struct Hoisted {
        uint64_t inc = 0;
        double dt = 0.0;
        uint64_t offset = 0;
    };
    void hoist(const Rows &rows) noexcept {
        if (rows.fs == 0) {
            hoisted_.inc = dsp::modular_increment(rows.frequency[0], cycle_);
            hoisted_.dt = blep_dt(hoisted_.inc, cycle_);
        }
        if (rows.os == 0) hoisted_.offset = dsp::modular_from_cycles(rows.offset[0], cycle_);
    }

    // Recorded rows per wave lane: the phases (os) and the restart flag; modes integrator and
    // op_amp also the state after each internal sample (os) and its flags (os).
    uint32_t rows_per_lane() const {
        const uint32_t os = settings_.oversample;
        return settings_.mode == Mode::Direct ? os + 1 : 3 * os + 1;
    }
    enum : uint32_t { kClampPassed = 1, kSlewLimited = 2 };

    // The recorded rows of one frame (see the header), recomputed from the lane's state at the
    // frame's start as render_frame advances it: the modular phase read by each internal sample
    // and, in modes integrator and op_amp, the state after it with its flags (kClampPassed:
    // the state clamp did not cut; kSlewLimited: the follower's step was limited). The mode
    // recursion mirrors render_frame's (the gradients check proves them equal).
    void record_frame(const Rows &rows, uint32_t f, const LaneState &start, bool restarted,
                      double *record, size_t stride) const noexcept {
        const uint64_t inc = dsp::modular_increment(rows.frequency[f * rows.fs], cycle_);
        const uint64_t offset = dsp::modular_from_cycles(rows.offset[f * rows.os], cycle_);
        const double dt = blep_dt(inc, cycle_);
        const double width = std::clamp(rows.width[f * rows.ws], 0.0, 1.0);
        const bool band_limited = settings_.driver == Driver::PolyBlep;
        const double limit = settings_.clamp;
        uint64_t phase = restarted ? 0 : start.phase;
        double state = start.state;
        const uint32_t os = settings_.oversample;
        for (uint32_t r = 0; r < os; ++r) {
            phase = dsp::modular_add(phase, inc, cycle_);
            const uint64_t p = dsp::modular_add(phase, offset, cycle_);
            record[r * stride + f] = static_cast<double>(p);
            if (settings_.mode == Mode::Direct) continue;
            const dsp::Phase fixed =
                settings_.wave == dsp::Wave::Sine ? dsp::modular_to_fixed(p, cycle_) : 0;
            const double w = dsp::wave_sample(settings_.wave, dsp::modular_cycles(p, cycle_), fixed,
                                              dt, width, band_limited);
            uint32_t flags = 0;
            double pre = 0.0;
            if (settings_.mode == Mode::Integrator) {
                pre = settings_.leak_step * state + settings_.gain_step * w;
            } else {
                const double step = w - state;
                if (step > slew_step_ || step < -slew_step_) flags |= kSlewLimited;
                pre = state + std::clamp(step, -slew_step_, slew_step_);
            }
            if (!(pre > limit || pre < -limit)) flags |= kClampPassed;
            state = std::clamp(pre, -limit, limit);
            record[(os + 1 + r) * stride + f] = state;
            record[(2 * os + 1 + r) * stride + f] = static_cast<double>(flags);
        }
        record[os * stride + f] = restarted ? 1.0 : 0.0;
    }

    // oscillator_adjoint.h's loop for one wave lane when the configuration allows it (mode
    // direct, oversample 1, mono); false otherwise (backward_lane then runs).
    bool backward_direct(const BackwardContext &ctx, uint32_t b, uint32_t c) noexcept {
        if (settings_.mode != Mode::Direct || settings_.oversample != 1 || settings_.stereo)
            return false;
        const size_t wave_lane = static_cast<size_t>(b) * settings_.channels + c;
        const size_t stride = ctx.record_lane_stride;
        const double *record = ctx.record + wave_lane * rows_per_lane() * stride;
        const TensorView *params = ctx.params;
        const AdjointRows rows{ctx.gradient.row(b, c),
                               record,
                               record + stride,
                               params[kFrequency].row(b, c),
                               params[kAmplitude].row(b, c),
                               params[kPulseWidth].row(b, c),
                               params[kFrequency].frame_stride(),
                               params[kAmplitude].frame_stride(),
                               params[kPulseWidth].frame_stride(),
                               ctx.param_gradient_row(kFrequency, b, c),
                               ctx.param_gradient_row(kAmplitude, b, c),
                               ctx.param_gradient_row(kPhaseOffset, b, c),
                               ctx.param_gradient_row(kPulseWidth, b, c),
                               cycle_,
                               settings_.clamp,
                               dsp::kModularUnitsPerHz / static_cast<double>(cycle_)};
        // pulse_width is read only by the square and by its own gradient: otherwise its row
        // may vary without changing anything hoisted.
        const bool width_read = settings_.wave == dsp::Wave::Square || rows.d_width != nullptr;
        // The runtime's flag first (it reads nothing), else the rows themselves.
        auto constant_row = [&](uint32_t p, const double *row, size_t frame_stride) {
            return ctx.param_constant(p) || row_is_constant(row, frame_stride, ctx.frames);
        };
        const bool constant = constant_row(kFrequency, rows.frequency, rows.fs) &&
                              constant_row(kAmplitude, rows.amplitude, rows.as) &&
                              (!width_read || constant_row(kPulseWidth, rows.width, rows.ws));
        adjoint_direct_block(settings_.wave, settings_.driver == Driver::PolyBlep, rows,
                             pending_[wave_lane], ctx.frames, constant);
        return true;
    }

    // record_frame's rows for a block that oscillator_block.h renders (mode direct, oversample
    // 1): from the lane's state before the block, per frame the phase the sample reads and the
    // restart flag, as render_direct_block advances them (the same phase steps and reset rule).
    void record_direct(const Lane &lane, const Rows &rows, const ProcessContext &ctx, uint32_t b,
                       uint32_t c) const noexcept {
        const size_t stride = ctx.record_lane_stride;
        double *phases = ctx.record + (static_cast<size_t>(b) * settings_.channels + c) *
                                          rows_per_lane() * stride;
        double *restarts = phases + stride;
        uint64_t phase = lane.phase;
        double reset_high = lane.reset_high;
        for (uint32_t f = 0; f < ctx.frames; ++f) {
            const uint64_t inc = rows.fs == 0
                                     ? hoisted_.inc
                                     : dsp::modular_increment(rows.frequency[f * rows.fs], cycle_);
            const uint64_t offset =
                rows.os == 0 ? hoisted_.offset
                             : dsp::modular_from_cycles(rows.offset[f * rows.os], cycle_);
            const double reset = rows.reset[f * rows.rs];
            const bool restarted = reset > 0.5 && reset_high == 0.0;
            reset_high = reset > 0.5 ? 1.0 : 0.0;
            phase = dsp::modular_add(restarted ? 0 : phase, inc, cycle_);
            phases[f] = static_cast<double>(dsp::modular_add(phase, offset, cycle_));
            restarts[f] = restarted ? 1.0 : 0.0;
        }
    }

    // The adjoint of one wave lane over the window, frames from the last (see the header).
    void backward_lane(const BackwardContext &ctx, uint32_t b, uint32_t c) noexcept {
        constexpr double kEighthTurn = 0.78539816339744830961566084581988; // d angle / d pan, rad
        const uint32_t os = settings_.oversample;
        const uint32_t per_lane = settings_.stereo ? 2 : 1;
        const size_t wave_lane = static_cast<size_t>(b) * settings_.channels + c;
        const size_t out_lane = wave_lane * per_lane;
        const size_t stride = ctx.record_lane_stride;
        const double *record = ctx.record + wave_lane * rows_per_lane() * stride;
        const double *states = record + (os + 1) * stride, *flags = record + (2 * os + 1) * stride;
        const Mode mode = settings_.mode;
        double &carry = carry_[wave_lane]; // dL/d state from the later samples (modes)
        const double *g_left = ctx.gradient.row(b, c * per_lane);
        const double *g_right = settings_.stereo ? ctx.gradient.row(b, c * per_lane + 1) : nullptr;
        const TensorView *params = ctx.params;
        const double *frequency = params[kFrequency].row(b, c);
        const double *amplitude = params[kAmplitude].row(b, c);
        const double *pan = params[kPan].row(b, c);
        const double *width = params[kPulseWidth].row(b, c);
        const size_t fs = params[kFrequency].frame_stride(), as = params[kAmplitude].frame_stride(),
                     ps = params[kPan].frame_stride(), ws = params[kPulseWidth].frame_stride();
        double *d_frequency = ctx.param_gradient_row(kFrequency, b, c);
        double *d_amplitude = ctx.param_gradient_row(kAmplitude, b, c);
        double *d_pan = ctx.param_gradient_row(kPan, b, c);
        double *d_offset = ctx.param_gradient_row(kPhaseOffset, b, c);
        double *d_width = ctx.param_gradient_row(kPulseWidth, b, c);
        double *bar_left = high_bar_.data();
        double *bar_right = high_bar_.data() + os;
        const double per_hz = dsp::kModularUnitsPerHz / static_cast<double>(cycle_);
        const bool band_limited = settings_.driver == Driver::PolyBlep;
        const double limit = settings_.clamp;
        double &pending = pending_[wave_lane];
        for (uint32_t f = ctx.frames; f-- > 0;) {
            // The gradients of this frame's internal samples, per output channel.
            if (os > 1) {
                adjoint_.step(out_lane, g_left[f], bar_left);
                if (g_right != nullptr) adjoint_.step(out_lane + 1, g_right[f], bar_right);
            } else {
                bar_left[0] = g_left[f];
                bar_right[0] = g_right != nullptr ? g_right[f] : 0.0;
            }
            // The frame's values as render_frame computed them.
            const uint64_t inc = dsp::modular_increment(frequency[f * fs], cycle_);
            const double dt = blep_dt(inc, cycle_);
            const double raw_width = width[f * ws];
            const double w = std::clamp(raw_width, 0.0, 1.0);
            const double a = amplitude[f * as];
            double cos_pan = 1.0, sin_pan = 0.0;
            const double raw_pan = pan[f * ps];
            if (settings_.stereo) {
                const dsp::Phase angle =
                    dsp::phase_from_cycles((std::clamp(raw_pan, -1.0, 1.0) + 1.0) / 8.0);
                cos_pan = dsp::sin2pi(angle + (dsp::Phase{1} << 62));
                sin_pan = dsp::sin2pi(angle);
            }
            const double gain_left = settings_.stereo ? a * cos_pan : a;
            const double gain_right = settings_.stereo ? a * sin_pan : 0.0;
            double v_left = 0.0, v_right = 0.0; // sum_r xbar v per channel
            double t_sum = 0.0, t_ramp = 0.0, dt_sum = 0.0, width_sum = 0.0;
            for (uint32_t r = os; r-- > 0;) { // the modes' recursion runs backwards
                const uint64_t p = static_cast<uint64_t>(record[r * stride + f]);
                const double t = dsp::modular_cycles(p, cycle_);
                const dsp::Phase fixed =
                    settings_.wave == dsp::Wave::Sine ? dsp::modular_to_fixed(p, cycle_) : 0;
                const double out_bar = gain_left * bar_left[r] + gain_right * bar_right[r];
                double vbar = 0.0; // dL/d (the wave sample)
                if (mode == Mode::Direct) {
                    const double raw =
                        dsp::wave_sample(settings_.wave, t, fixed, dt, w, band_limited);
                    const double v = std::clamp(raw, -limit, limit);
                    v_left += bar_left[r] * v;
                    v_right += bar_right[r] * v;
                    if (raw > limit || raw < -limit) continue; // the clamp cut it: no slope
                    vbar = out_bar;
                } else {
                    // state[n] = clamp(pre[n]): integrator pre = leak state[n-1] + gain w[n];
                    // op_amp pre = w[n] (free) or state[n-1] +- slew (limited).
                    const double v = states[r * stride + f];
                    v_left += bar_left[r] * v;
                    v_right += bar_right[r] * v;
                    const uint32_t flag = static_cast<uint32_t>(flags[r * stride + f]);
                    const double pre_bar = (flag & kClampPassed) != 0 ? out_bar + carry : 0.0;
                    if (mode == Mode::Integrator) {
                        vbar = settings_.gain_step * pre_bar;
                        carry = settings_.leak_step * pre_bar;
                    } else {
                        const bool limited = (flag & kSlewLimited) != 0;
                        vbar = limited ? 0.0 : pre_bar;
                        carry = limited ? pre_bar : 0.0;
                    }
                }
                const dsp::WaveSlopes slope =
                    dsp::wave_slopes(settings_.wave, t, fixed, dt, w, band_limited);
                const double tbar = vbar * slope.t;
                t_sum += tbar;
                t_ramp += static_cast<double>(r + 1) * tbar;
                dt_sum += vbar * slope.dt;
                width_sum += vbar * slope.width;
            }
            if (d_amplitude != nullptr)
                d_amplitude[f] += settings_.stereo ? v_left * cos_pan + v_right * sin_pan : v_left;
            if (d_pan != nullptr && settings_.stereo && raw_pan >= -1.0 && raw_pan <= 1.0)
                d_pan[f] += a * kEighthTurn * (v_right * cos_pan - v_left * sin_pan);
            if (d_width != nullptr && raw_width >= 0.0 && raw_width <= 1.0) d_width[f] += width_sum;
            if (d_offset != nullptr) d_offset[f] += t_sum;
            const double dt_sign = inc <= cycle_ - inc ? 1.0 : -1.0;
            if (d_frequency != nullptr)
                d_frequency[f] +=
                    per_hz * (t_ramp + static_cast<double>(os) * pending + dt_sign * dt_sum);
            pending = record[os * stride + f] != 0.0 ? 0.0 : pending + t_sum;
        }
    }

    Settings settings_;
    Hoisted hoisted_;
    uint64_t cycle_ = 1;
    double slew_step_ = 0.0;
    std::vector<Lane> lanes_;
    dsp::resample::Decimator decimator_;
    PeriodCache cache_;
    std::vector<double> left_, right_; // one frame's internal samples
    // Backward: per wave lane the sum of tbar over the later frames (since a restart), the
    // decimator's transpose (oversample > 1) and one frame's sample gradients (left, right).
    std::vector<double> pending_;
    std::vector<double> carry_; // modes: dL/d state from the later internal samples, per lane
    dsp::resample::DecimatorAdjoint adjoint_;
    std::vector<double> high_bar_;
};

std::unique_ptr<Node> create(const NodeConfig &config) {
    return std::make_unique<OscillatorNode>(config);
}

} // namespace

extern const NodeSpec kOscillatorSpec = {
    /*type_name=*/"oscillator",
    /*summary=*/"Band-limited sine, saw, square or triangle with real oversampling.",
    /*inputs=*/nullptr,
    /*input_count=*/0,
    /*params=*/oscillator::kParams,
    /*param_count=*/oscillator::kParamCount,
    /*heat_work=*/12.0,
    /*has_backward=*/true,
    /*backward_doc=*/
    "Graph backward: amplitude and pan exactly; frequency (through the phase accumulator), "
    "phase_offset and pulse_width through the wave's slope, PolyBLEP / BLAMP residuals "
    "included, exact between the naive waves' jumps; the integrator / op_amp recursion's "
    "adjoint; oversampling through the decimator's transpose; reset 0.",
    /*create=*/create,
    /*check=*/oscillator::check,
    /*oversamples=*/true,
    /*outputs=*/nullptr,
    /*output_count=*/0,
    /*publishes_heat=*/false,
    /*heat_doc=*/nullptr,
    /*taps=*/nullptr,
    /*tap_count=*/0,
    /*presets=*/oscillator::kPresets,
    /*preset_count=*/oscillator::kPresetCount,
};

} // namespace amp
