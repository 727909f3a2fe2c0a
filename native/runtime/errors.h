// errors.h: the runtime's one failure type. Thrown inside the runtime, caught at the C ABI
// boundary (c_api_*.cpp) and turned into a status code plus a last-error record.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>

namespace amp {

struct AmpFailure : std::runtime_error {
    int32_t code;
    std::string stage;
    std::string node;
    AmpFailure(int32_t failure_code, std::string failure_stage, std::string failure_node,
               const std::string &detail)
        : std::runtime_error(detail), code(failure_code), stage(std::move(failure_stage)),
          node(std::move(failure_node)) {}
};

// Formats a number for messages: integers without a fraction, others with full precision.
std::string format_number(double value);

} // namespace amp
