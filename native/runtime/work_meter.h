// work_meter.h: progress and cancel of one long call (AmpWorkOptions, amp_native.h): the units of
// work a call does are counted, the host's callback sees each one, and the host's cancel flag
// stops the call between two units by throwing amp::AmpFailure(AMP_ERR_CANCELLED). Nothing here
// allocates unless the call is cancelled (the failure's message).
#pragma once

#include <cstdint>
#include <string>

#include "amp_native.h"
#include "runtime/errors.h"

namespace amp {

class WorkMeter {
  public:
    // Copies the options (NULL clears them).
    void set(const AmpWorkOptions *options) {
        options_ = options != nullptr ? *options : AmpWorkOptions{};
    }
    bool active() const { return options_.cancel_flag != nullptr || options_.progress != nullptr; }

    // Starts a call of `total` units (named `unit` in the cancel message, e.g. "analysis
    // frames"); a flag already raised stops it before the first. `stage` and `unit` are string
    // literals.
    void begin(uint64_t total, const char *stage, const char *unit) {
        total_ = total;
        done_ = 0;
        stage_ = stage;
        unit_ = unit;
        check();
    }
    // After each unit (or `units` of them): reports, then stops the call when the flag is raised
    // and units remain (a flag raised during the last unit leaves the finished result in place).
    void step(uint64_t units = 1) {
        done_ += units;
        if (options_.progress != nullptr) {
            const AmpProgressReport report{done_, done_, total_, 0.0, nullptr};
            options_.progress(options_.progress_user, &report);
        }
        if (done_ < total_) check();
    }

  private:
    void check() const {
        if (options_.cancel_flag != nullptr && *options_.cancel_flag != 0)
            throw AmpFailure(AMP_ERR_CANCELLED, stage_, "",
                             std::string(stage_) + " cancelled by the caller after " +
                                 std::to_string(done_) + " of " + std::to_string(total_) + " " +
                                 unit_);
    }

    AmpWorkOptions options_{};
    uint64_t total_ = 0;
    uint64_t done_ = 0;
    const char *stage_ = "";
    const char *unit_ = "";
};

} // namespace amp
