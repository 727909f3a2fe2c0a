// oscillator_config.cpp: see oscillator_config.h.
#include "nodes/oscillator_config.h"

#include <cmath>

namespace amp::oscillator {

namespace {

const char *const kWaveforms[] = {"sine", "saw", "square", "triangle"};
const char *const kDrivers[] = {"polyblep", "naive"};
const char *const kModes[] = {"direct", "integrator", "op_amp"};

ParamSpec choice(const char *name, const char *const *names, uint32_t count, const char *doc) {
    ParamSpec param{name, ParamKind::Enum, 0.0, 0.0, 0.0, "", doc};
    param.choices = names;
    param.choice_count = count;
    return param;
}

// The decimation filter runs only while the node oversamples.
const ParamRequirement kNeedsOversampling{"oversample", Relation::Above, 1.0, nullptr,
                                          "the decimation filter runs only when oversampling"};

ParamSpec quality_param() {
    ParamSpec param = choice("quality", dsp::resample::kTierNames, dsp::resample::kTierCount,
                             "Decimation filter tier when oversample > 1: linear (latency 1 "
                             "frame), fast (16 frames) or best (40 frames).");
    param.default_value = static_cast<double>(dsp::resample::Tier::Fast);
    param.requirement = &kNeedsOversampling;
    return param;
}

ParamSpec preset_param() {
    ParamSpec param{"preset",
                    ParamKind::Text,
                    0.0,
                    0.0,
                    0.0,
                    "",
                    "Preset: none, a shipped one (warm-saw, clean-square, pwm-lead, soft-triangle, "
                    "integrated-square, naive-saw) or a JSON object of parameter values; explicit "
                    "parameters win."};
    param.default_text = "none";
    return param;
}

} // namespace

const ParamSpec kParams[kParamCount] = {
    {"frequency", ParamKind::Signal, 440.0, -1e6, 1e6, "Hz",
     "Oscillation frequency (negative runs backwards); resolution 2^-20 Hz."},
    {"amplitude", ParamKind::Signal, 0.5, -1e6, 1e6, "", "Peak amplitude."},
    {"pan", ParamKind::Signal, 0.0, -1.0, 1.0, "",
     "Equal-power pan, -1 left to 1 right (stereo): left cos, right sin of (pan + 1) pi / 4."},
    {"phase_offset", ParamKind::Signal, 0.0, -1e6, 1e6, "cycles",
     "Offset added to the phase before the waveform is read."},
    {"pulse_width", ParamKind::Signal, 0.5, 0.0, 1.0, "",
     "Square wave: fraction of the cycle at +1 (waveform square)."},
    {"reset", ParamKind::Signal, 0.0, -1e6, 1e6, "",
     "Phase reset: a rise above 0.5 restarts the phase at 0 on that frame."},
    choice("waveform", kWaveforms, 4, "Waveform: sine, saw, square or triangle."),
    choice("driver", kDrivers, 2,
           "polyblep (band-limited steps, BLAMP at triangle corners) or naive (for comparison)."),
    choice("mode", kModes, 3,
           "direct (the wave), integrator (leaky integrator of the wave) or op_amp (slew-limited "
           "follower of the wave)."),
    quality_param(),
    {"leak", ParamKind::Number, 0.999, 0.0, 1.0, "",
     "Integrator leak per output frame (mode integrator)."},
    {"integrator_gain", ParamKind::Number, 0.05, -1e6, 1e6, "",
     "Integrator input gain per output frame (mode integrator)."},
    {"slew", ParamKind::Number, 1000.0, 0.0, 1e12, "1/s",
     "Follower slew-rate limit, output units per second (mode op_amp)."},
    {"clamp", ParamKind::Number, 1.0, 0.0, 1e6, "",
     "The mode's output is clamped to +-clamp (every mode).", true},
    {"channels", ParamKind::Integer, 1.0, 1.0, 64.0, "", "Number of wave lanes."},
    {"stereo", ParamKind::Boolean, 0.0, 0.0, 1.0, "",
     "Two output channels (left, right) per wave lane, panned by pan."},
    {"cache", ParamKind::Boolean, 0.0, 0.0, 1.0, "",
     "Periodicity cache: replay one exact period while the parameters stay the same (the same "
     "bits as without)."},
    {"cache_frames", ParamKind::Integer, 4800.0, 1.0, 65536.0, "frames",
     "Longest period the cache holds (memory: frames x (oversample + 1) doubles per output "
     "channel)."},
    preset_param(),
};

// The shipped presets (docs/oscillators.md lists them).
const NodePreset kPresets[] = {
    {"warm-saw", "PolyBLEP saw, 4x oversampled (fast).",
     R"({"name":"warm saw","waveform":"saw","driver":"polyblep","oversample":4,)"
     R"("quality":"fast","amplitude":0.4})"},
    {"clean-square", "PolyBLEP square, 8x oversampled (best).",
     R"({"name":"clean square","waveform":"square","driver":"polyblep","oversample":8,)"
     R"("quality":"best","amplitude":0.3})"},
    {"pwm-lead", "Narrow PolyBLEP pulse (width 0.25), 4x oversampled.",
     R"({"name":"pwm lead","waveform":"square","pulse_width":0.25,"driver":"polyblep",)"
     R"("oversample":4,"quality":"fast","amplitude":0.35})"},
    {"soft-triangle", "PolyBLAMP triangle, 2x oversampled.",
     R"({"name":"soft triangle","waveform":"triangle","driver":"polyblep","oversample":2,)"
     R"("quality":"fast","amplitude":0.5})"},
    {"integrated-square", "A square through the leaky integrator: a rounded triangle.",
     R"({"name":"integrated square","waveform":"square","mode":"integrator","leak":0.995,)"
     R"("integrator_gain":0.08,"clamp":1,"oversample":2,"quality":"fast","amplitude":0.5})"},
    {"naive-saw", "The naive saw at 1x, for comparison.",
     R"({"name":"naive saw","waveform":"saw","driver":"naive","amplitude":0.4})"},
};
const uint32_t kPresetCount = sizeof(kPresets) / sizeof(kPresets[0]);

namespace {

// The mode the given parameters ask for, or false with an error when they disagree.
bool effective_mode(const NodeConfig &config, Mode &mode, std::string &error) {
    const bool integrator = config.given[kLeak] || config.given[kIntegratorGain];
    const bool op_amp = config.given[kSlew];
    if (config.given[kMode]) {
        mode = static_cast<Mode>(config.choice(kMode));
        if (integrator && mode != Mode::Integrator) {
            error = "parameters \"leak\" and \"integrator_gain\" apply with mode \"integrator\" "
                    "only (mode \"" +
                    config.text(kMode) + "\")";
            return false;
        }
        if (op_amp && mode != Mode::OpAmp) {
            error = "parameter \"slew\" applies with mode \"op_amp\" only (mode \"" +
                    config.text(kMode) + "\")";
            return false;
        }
        return true;
    }
    if (integrator && op_amp) {
        error = "parameters \"leak\" / \"integrator_gain\" (mode integrator) and \"slew\" "
                "(mode op_amp) exclude each other";
        return false;
    }
    mode = integrator ? Mode::Integrator : (op_amp ? Mode::OpAmp : Mode::Direct);
    return true;
}

} // namespace

bool check(const NodeConfig &config, std::string &error) {
    const uint32_t os = config.oversample;
    if (os != 1 && os != 2 && os != 4 && os != 8 && os != 16) {
        error = "parameter \"oversample\" expects 1, 2, 4, 8 or 16, got " + std::to_string(os);
        return false;
    }
    Mode mode = Mode::Direct;
    if (!effective_mode(config, mode, error)) return false;
    if (config.given[kPulseWidth] && config.given[kWaveform] &&
        config.choice(kWaveform) != static_cast<uint32_t>(dsp::Wave::Square)) {
        error = "parameter \"pulse_width\" applies with waveform \"square\" only (waveform \"" +
                config.text(kWaveform) + "\")";
        return false;
    }
    if (config.given[kCacheFrames] && config.given[kCache] && config.value(kCache) == 0.0) {
        error = "parameter \"cache_frames\" applies with cache true only (cache false)";
        return false;
    }
    if (config.given[kPan] && config.given[kStereo] && config.value(kStereo) == 0.0) {
        error = "parameter \"pan\" applies with stereo true only (stereo false)";
        return false;
    }
    return true;
}

Settings resolve(const NodeConfig &config) {
    Settings s;
    std::string unused;
    effective_mode(config, s.mode, unused);
    s.wave = config.given[kWaveform]
                 ? static_cast<dsp::Wave>(config.choice(kWaveform))
                 : (config.given[kPulseWidth] ? dsp::Wave::Square : dsp::Wave::Sine);
    s.driver = static_cast<Driver>(config.choice(kDriver));
    s.quality = static_cast<dsp::resample::Tier>(config.choice(kQuality));
    s.oversample = config.oversample;
    s.channels = static_cast<uint32_t>(config.value(kChannels));
    s.stereo = config.given[kStereo] ? config.value(kStereo) != 0.0 : config.given[kPan];
    s.cache = config.given[kCache] ? config.value(kCache) != 0.0 : config.given[kCacheFrames];
    s.cache_frames = static_cast<uint32_t>(config.value(kCacheFrames));
    s.preset_hash = config.preset_hash;
    const double os = static_cast<double>(s.oversample);
    s.leak_step = std::pow(config.value(kLeak), 1.0 / os);
    s.gain_step = config.value(kIntegratorGain) / os;
    s.slew = config.value(kSlew);
    s.clamp = config.value(kClamp);
    return s;
}

} // namespace amp::oscillator
