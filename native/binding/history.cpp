// history.cpp: copying JS automation curves into native memory (see history.h).
#include "history.h"

#include <limits>

namespace amp_binding {

namespace {

std::vector<double> CopyArray(const Napi::Float64Array &array) {
    const double *data = array.Data();
    return std::vector<double>(data, data + array.ElementLength());
}

} // namespace

std::unique_ptr<HistoryCopy> HistoryCopy::FromJs(const ArgContext &ctx, const Napi::Value &curves,
                                                 const std::string &name, uint64_t frame_offset) {
    if (!curves.IsArray()) {
        ThrowTypeError(ctx.info.Env(), ctx.method, name, "an array of history curves");
    }
    const Napi::Array array = curves.As<Napi::Array>();
    const uint32_t count = array.Length();

    std::unique_ptr<HistoryCopy> copy(new HistoryCopy());
    copy->names_.reserve(count);
    copy->times_.reserve(count);
    copy->values_.reserve(count);
    for (uint32_t i = 0; i < count; ++i) {
        const std::string path = name + "[" + std::to_string(i) + "]";
        const Napi::Object curve = ObjectValue(ctx, array.Get(i), path);
        copy->names_.push_back(StringValue(ctx, curve.Get("name"), path + ".name"));
        // Every getter runs before anything is copied, and the lengths are compared on the
        // copies: a getter cannot shrink or detach an array between the check and the copy.
        const Napi::Float64Array times =
            Float64ArrayValue(ctx, curve.Get("timesFrames"), path + ".timesFrames");
        const Napi::Float64Array values =
            Float64ArrayValue(ctx, curve.Get("values"), path + ".values");
        const uint32_t interpolation =
            Uint32Value(ctx, curve.Get("interpolation"), path + ".interpolation");
        copy->times_.push_back(CopyArray(CurrentFloat64Array(times)));
        copy->values_.push_back(CopyArray(CurrentFloat64Array(values)));
        // One point count covers both arrays: a length mismatch would make the runtime read
        // past the shorter one, so it is refused here rather than left to TypeScript.
        const size_t points = copy->times_.back().size();
        if (points != copy->values_.back().size() ||
            points > std::numeric_limits<uint32_t>::max()) {
            throw Napi::RangeError::New(ctx.info.Env(), std::string(ctx.method) + ": arguments \"" +
                                                            path + ".timesFrames\" and \"" + path +
                                                            ".values\" must have the same length");
        }

        AmpHistoryCurve native{};
        native.interpolation = interpolation;
        native.point_count = static_cast<uint32_t>(points);
        copy->curves_.push_back(native);
    }
    // Pointers are taken once every vector has its final storage.
    for (size_t i = 0; i < copy->curves_.size(); ++i) {
        copy->curves_[i].name = copy->names_[i].c_str();
        copy->curves_[i].times_frames = copy->times_[i].data();
        copy->curves_[i].values = copy->values_[i].data();
    }
    copy->history_.curves = copy->curves_.empty() ? nullptr : copy->curves_.data();
    copy->history_.curve_count = static_cast<uint32_t>(copy->curves_.size());
    copy->history_.frame_offset = frame_offset;
    return copy;
}

} // namespace amp_binding
