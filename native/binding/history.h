// history.h: a native copy of automation curves (AmpControlHistory) for a render or a node call.
//
// The JS curves are copied on the JS thread before the native call (or before the render is
// queued), so the runtime reads memory that no JS code can change or collect while it runs.
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
    // interpolation}); `name` is the argument path used in TypeError messages. `frame_offset`
    // becomes AmpControlHistory::frame_offset: the stream frame at which curve time 0 lies
    // (read by amp_run_node; the graph runtime sets it itself and ignores this value).
    static std::unique_ptr<HistoryCopy> FromJs(const ArgContext &ctx, const Napi::Value &curves,
                                               const std::string &name, uint64_t frame_offset = 0);

    // Valid as long as this object lives.
    const AmpControlHistory *view() const noexcept { return &history_; }

  private:
    HistoryCopy() = default;

    std::vector<std::string> names_;
    std::vector<std::vector<double>> times_;
    std::vector<std::vector<double>> values_;
    std::vector<AmpHistoryCurve> curves_;
    AmpControlHistory history_{};
};

} // namespace amp_binding
