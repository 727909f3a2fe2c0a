// oscillator_config.h: the oscillator node's descriptor parameters and the settings resolved
// from them (choices inferred from the parameters given; see oscillator.cpp).
#pragma once

#include <cstdint>
#include <string>

#include "dsp/osc_wave.h"
#include "dsp/resample/prototype.h"
#include "nodes/node.h"

namespace amp::oscillator {

enum : uint32_t {
    kFrequency,
    kAmplitude,
    kPan,
    kPhaseOffset,
    kPulseWidth,
    kReset,
    kWaveform,
    kDriver,
    kMode,
    kQuality,
    kLeak,
    kIntegratorGain,
    kSlew,
    kClamp,
    kChannels,
    kStereo,
    kCache,
    kCacheFrames,
    kPreset,
    kParamCount
};

enum class Driver : uint32_t { PolyBlep, Naive };
enum class Mode : uint32_t { Direct, Integrator, OpAmp };

extern const ParamSpec kParams[kParamCount];
extern const NodePreset kPresets[];
extern const uint32_t kPresetCount;

struct Settings {
    dsp::Wave wave = dsp::Wave::Sine;
    Driver driver = Driver::PolyBlep;
    Mode mode = Mode::Direct;
    dsp::resample::Tier quality = dsp::resample::Tier::Fast;
    uint32_t oversample = 1;
    uint32_t channels = 1;
    bool stereo = false;
    bool cache = false;
    uint32_t cache_frames = 0;
    uint64_t preset_hash = 0; // content hash of the applied preset, 0: none
    double leak_step = 1.0;   // leak^(1 / oversample), per internal sample
    double gain_step = 0.0;   // integrator_gain / oversample
    double slew = 0.0;        // per second
    double clamp = 1.0;
};

// Settings of a validated config (check() passed).
Settings resolve(const NodeConfig &config);
// NodeSpec::check: oversample in {1, 2, 4, 8, 16}; no parameter given against an explicit
// choice it does not apply to.
bool check(const NodeConfig &config, std::string &error);

} // namespace amp::oscillator
