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
// Backward: not implemented (returns -4); parameter gradients come with the gradients work.
#include <algorithm>
#include <cmath>
#include <vector>

#include "dsp/modular_phase.h"
#include "dsp/osc_wave.h"
#include "dsp/resample/decimator.h"
#include "dsp/sin2pi.h"
#include "nodes/node.h"
#include "nodes/node_helpers.h"
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
        return static_cast<size_t>(ctx.batches) * settings_.channels *
                   (sizeof(Lane) + cache * sizeof(LaneState)) +
               outputs * ((2 * taps + taps + cache * (os + 1)) * sizeof(double) + sizeof(uint32_t));
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
                    render_direct(lane, rows, left, ctx.frames);
                    continue;
                }
                const size_t wave_lane = static_cast<size_t>(b) * settings_.channels + c;
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
                            continue;
                        }
                        lane.phase = start.phase; // restored when a replay ended
                        lane.state = start.state;
                    }
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
    // oversampling, cache or stereo, and no recording for a backward pass.
    bool direct_block(const ProcessContext &ctx) const noexcept {
        return settings_.mode == Mode::Direct && settings_.oversample == 1 && !settings_.cache &&
               !settings_.stereo && ctx.record == nullptr;
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

    Settings settings_;
    Hoisted hoisted_;
    uint64_t cycle_ = 1;
    double slew_step_ = 0.0;
    std::vector<Lane> lanes_;
    dsp::resample::Decimator decimator_;
    PeriodCache cache_;
    std::vector<double> left_, right_; // one frame's internal samples
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
    /*has_backward=*/false,
    /*backward_doc=*/
    "Not implemented: a source with no audio input (returns -4); its parameter gradients "
    "come with the gradients work.",
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
