// history.h: a native copy of the render's automation curves (AmpControlHistory).
//
// The JS curves are copied on the JS thread before the render is queued, so the worker reads
// memory that no JS code can change or collect while it runs.
#pragma once

#include <napi.h>

#include <memory>
#include <string>
#include <vector>

#include "amp_native.h"
#include "args.h"

namespace amp_binding {

class HistoryCopy {
public:
    // Copies `curves` (an array of NativeHistoryCurve: {name, timesFrames, values,
    // interpolation}); `name` is the argument path used in TypeError messages.
    static std::unique_ptr<HistoryCopy> FromJs(const ArgContext &ctx, const Napi::Value &curves,
                                               const std::string &name);

    // Valid as long as this object lives. Times are relative to the start of the render call;
    // frame_offset is left 0 (the graph runtime positions the curves itself).
    const AmpControlHistory *view() const noexcept { return &history_; }

private:
    HistoryCopy() = default;

    std::vector<std::string> names_;
    std::vector<std::vector<double>> times_;
    std::vector<std::vector<double>> values_;
    std::vector<AmpHistoryCurve> curves_;
    AmpControlHistory history_{};
};

}  // namespace amp_binding
