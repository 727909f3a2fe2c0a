// c_api_graph.cpp: the amp_graph_runtime_* C functions. Each catches everything, records the
// failure as the last error (and in the log), and returns a status code.
#include <atomic>
#include <cmath>
#include <cstring>
#include <memory>
#include <new>
#include <string>
#include <utility>
#include <vector>

#include "amp_native.h"
#include "runtime/errors.h"
#include "runtime/graph_runtime.h"
#include "runtime/json.h"
#include "runtime/limits.h"
#include "runtime/memory_budget.h"

struct AmpGraphRuntime {
    std::unique_ptr<amp::GraphRuntime> runtime; // null when creation failed
    int32_t error_code = AMP_OK;
    std::string error_stage;
    std::string error_node;
    std::string error_detail;
    std::string creation_log; // the log of a runtime whose creation failed
    // Held by the call in progress: a second call on the same runtime from another thread
    // meanwhile returns AMP_ERR_PENDING and touches nothing (see amp_native.h).
    mutable std::atomic<bool> in_use{false};
};

namespace {

// Holds a runtime's in_use flag for one call; acquired() is false when another call holds it.
class UseGuard {
  public:
    explicit UseGuard(const AmpGraphRuntime *handle) noexcept
        : handle_(handle), acquired_(!handle->in_use.exchange(true, std::memory_order_acquire)) {}
    ~UseGuard() {
        if (acquired_) handle_->in_use.store(false, std::memory_order_release);
    }
    UseGuard(const UseGuard &) = delete;
    UseGuard &operator=(const UseGuard &) = delete;
    bool acquired() const noexcept { return acquired_; }

  private:
    const AmpGraphRuntime *handle_;
    bool acquired_;
};

void record(AmpGraphRuntime *handle, int32_t code, const std::string &stage,
            const std::string &node, const std::string &detail) {
    handle->error_code = code;
    handle->error_stage = stage;
    handle->error_node = node;
    handle->error_detail = detail;
    const std::string line =
        "{\"event\":\"amp_graph_runtime_error\",\"code\":" + std::to_string(code) +
        ",\"status\":" + amp::json_quote(amp_status_name(code)) +
        ",\"stage\":" + amp::json_quote(stage) + ",\"node\":" + amp::json_quote(node) +
        ",\"detail\":" + amp::json_quote(detail) + "}";
    if (handle->runtime)
        handle->runtime->log(line);
    else
        handle->creation_log += line + "\n";
}

// The refusal of a call on a runtime whose creation failed.
__attribute__((cold, noinline)) int32_t refuse_failed_runtime(AmpGraphRuntime *handle,
                                                              const char *stage) {
    record(handle, AMP_ERR_INVALID_ARGUMENT, stage, "",
           "this runtime failed at creation; only last_error, read_log and destroy apply");
    return AMP_ERR_INVALID_ARGUMENT;
}

// Records the exception being handled (called from a catch block) and returns its status code.
__attribute__((cold, noinline)) int32_t record_current_exception(AmpGraphRuntime *handle,
                                                                 const char *stage) {
    try {
        throw;
    } catch (const amp::AmpFailure &failure) {
        record(handle, failure.code, failure.stage, failure.node, failure.what());
        return failure.code;
    } catch (const std::bad_alloc &) {
        record(handle, AMP_ERR_INTERNAL, stage, "", "out of memory");
        return AMP_ERR_INTERNAL;
    } catch (const std::exception &error) {
        record(handle, AMP_ERR_INTERNAL, stage, "", std::string("internal error: ") + error.what());
        return AMP_ERR_INTERNAL;
    } catch (...) {
        record(handle, AMP_ERR_INTERNAL, stage, "", "internal error");
        return AMP_ERR_INTERNAL;
    }
}

// Runs `body` against a live runtime, turning every failure into a status code. Inlined into
// each entry point, with the failure paths out of line: a call that succeeds (a one-frame
// execute is the seed's usual invocation) pays for the checks and the use flag only.
template <typename Body>
__attribute__((always_inline)) inline int32_t guarded(AmpGraphRuntime *handle, const char *stage,
                                                      Body body) {
    if (handle == nullptr) return AMP_ERR_INVALID_ARGUMENT;
    const UseGuard use(handle);
    if (!use.acquired()) return AMP_ERR_PENDING; // another thread is inside a call: not recorded
    if (!handle->runtime) return refuse_failed_runtime(handle, stage);
    try {
        return body(*handle->runtime);
    } catch (...) {
        return record_current_exception(handle, stage);
    }
}

// The checkpoint interval of a checkpointed recording (0 would mean "no checkpoints").
void check_checkpoint(uint64_t checkpoint_frames) {
    if (checkpoint_frames < 1 || checkpoint_frames > (uint64_t{1} << 40))
        throw amp::AmpFailure(AMP_ERR_INVALID_ARGUMENT, "record", "",
                              "checkpoint_frames expects an integer in [1, 2^40] (frames between "
                              "snapshots), got " +
                                  std::to_string(checkpoint_frames));
}

} // namespace

extern "C" {

int32_t amp_graph_runtime_create(const char *graph_json, AmpGraphRuntime **out_runtime) {
    if (out_runtime == nullptr) return AMP_ERR_INVALID_ARGUMENT;
    *out_runtime = nullptr;
    AmpGraphRuntime *handle = new (std::nothrow) AmpGraphRuntime();
    if (handle == nullptr) return AMP_ERR_INTERNAL;
    *out_runtime = handle;
    if (graph_json == nullptr) {
        record(handle, AMP_ERR_INVALID_ARGUMENT, "parse", "", "graph JSON is null");
        return AMP_ERR_INVALID_ARGUMENT;
    }
    try {
        handle->runtime = std::make_unique<amp::GraphRuntime>(graph_json);
        return AMP_OK;
    } catch (const amp::AmpFailure &failure) {
        handle->runtime.reset();
        record(handle, failure.code, failure.stage, failure.node, failure.what());
        return failure.code;
    } catch (const std::bad_alloc &) {
        handle->runtime.reset();
        record(handle, AMP_ERR_INTERNAL, "create", "", "out of memory");
        return AMP_ERR_INTERNAL;
    } catch (const std::exception &error) {
        handle->runtime.reset();
        record(handle, AMP_ERR_INTERNAL, "create", "",
               std::string("internal error: ") + error.what());
        return AMP_ERR_INTERNAL;
    }
}

void amp_graph_runtime_destroy(AmpGraphRuntime *runtime) { delete runtime; }

int32_t amp_graph_runtime_configure(AmpGraphRuntime *runtime, uint32_t batches,
                                    uint32_t block_frames) {
    return guarded(runtime, "configure", [&](amp::GraphRuntime &rt) {
        rt.configure(batches, block_frames);
        return AMP_OK;
    });
}

int32_t amp_graph_runtime_set_sample_rate(AmpGraphRuntime *runtime, double sample_rate) {
    return guarded(runtime, "set_sample_rate", [&](amp::GraphRuntime &rt) {
        rt.set_sample_rate(sample_rate);
        return AMP_OK;
    });
}

int32_t amp_graph_runtime_set_threads(AmpGraphRuntime *runtime, uint32_t threads) {
    return guarded(runtime, "set_threads", [&](amp::GraphRuntime &rt) {
        rt.set_threads(threads);
        return AMP_OK;
    });
}

int32_t amp_graph_runtime_reset(AmpGraphRuntime *runtime) {
    return guarded(runtime, "reset", [&](amp::GraphRuntime &rt) {
        rt.reset();
        return AMP_OK;
    });
}

int32_t amp_graph_runtime_set_param(AmpGraphRuntime *runtime, const char *node, const char *param,
                                    const double *data, uint32_t batches, uint32_t channels,
                                    uint32_t frames) {
    return guarded(runtime, "set_param", [&](amp::GraphRuntime &rt) {
        rt.set_param(node, param, data, batches, channels, frames);
        return AMP_OK;
    });
}

int32_t amp_graph_runtime_set_buffer(AmpGraphRuntime *runtime, const char *node, uint32_t slot,
                                     const double *data, uint32_t channels, uint64_t frames,
                                     double sample_rate) {
    return guarded(runtime, "set_buffer", [&](amp::GraphRuntime &rt) {
        rt.set_buffer(node, slot, data, channels, frames, sample_rate);
        return AMP_OK;
    });
}

int32_t amp_graph_runtime_clear_params(AmpGraphRuntime *runtime, const char *node) {
    return guarded(runtime, "clear_params", [&](amp::GraphRuntime &rt) {
        rt.clear_params(node);
        return AMP_OK;
    });
}

int32_t amp_graph_runtime_share_lanes(AmpGraphRuntime *runtime, const char *const *nodes,
                                      const char *const *params, uint32_t count) {
    return guarded(runtime, "share_lanes", [&](amp::GraphRuntime &rt) {
        if (count > 0 && (nodes == nullptr || params == nullptr))
            throw amp::AmpFailure(AMP_ERR_INVALID_ARGUMENT, "share_lanes", "",
                                  "nodes and params must not be null when count > 0");
        std::vector<std::pair<std::string, std::string>> varying;
        for (uint32_t i = 0; i < count; ++i) {
            if (nodes[i] == nullptr || params[i] == nullptr)
                throw amp::AmpFailure(AMP_ERR_INVALID_ARGUMENT, "share_lanes", "",
                                      "lane-varying parameter " + std::to_string(i) +
                                          " has a null node or parameter name");
            varying.emplace_back(nodes[i], params[i]);
        }
        rt.share_lanes(varying);
        return AMP_OK;
    });
}

int32_t amp_graph_runtime_execute(AmpGraphRuntime *runtime, uint64_t frames, double *out,
                                  uint64_t out_len, const AmpRenderOptions *options) {
    return guarded(runtime, "execute", [&](amp::GraphRuntime &rt) {
        const int32_t status = rt.execute(frames, out, out_len, options);
        if (status == AMP_ERR_CANCELLED)
            record(runtime, status, "execute", "", "render cancelled by the caller");
        return status;
    });
}

uint32_t amp_graph_runtime_node_count(const AmpGraphRuntime *runtime) {
    return runtime != nullptr && runtime->runtime ? runtime->runtime->node_count() : 0;
}

const char *amp_graph_runtime_node_name(const AmpGraphRuntime *runtime, uint32_t index) {
    return runtime != nullptr && runtime->runtime ? runtime->runtime->node_name(index) : nullptr;
}

int32_t amp_graph_runtime_describe_node(const AmpGraphRuntime *runtime, const char *node,
                                        AmpNodeSummary *out_summary) {
    if (out_summary == nullptr) return AMP_ERR_INVALID_ARGUMENT;
    return guarded(const_cast<AmpGraphRuntime *>(runtime), "describe_node",
                   [&](amp::GraphRuntime &rt) {
                       rt.describe_node(node, *out_summary);
                       return AMP_OK;
                   });
}

uint32_t amp_graph_runtime_tap_count(const AmpGraphRuntime *runtime) {
    return runtime != nullptr && runtime->runtime ? runtime->runtime->tap_count() : 0;
}

int32_t amp_graph_runtime_tap_info(const AmpGraphRuntime *runtime, uint32_t index,
                                   AmpTapInfo *out_info) {
    if (out_info == nullptr) return AMP_ERR_INVALID_ARGUMENT;
    return guarded(const_cast<AmpGraphRuntime *>(runtime), "tap_info", [&](amp::GraphRuntime &rt) {
        rt.tap_info(index, *out_info);
        return AMP_OK;
    });
}

uint64_t amp_graph_runtime_tap_records(const AmpGraphRuntime *runtime, uint32_t index,
                                       uint64_t frames) {
    return runtime != nullptr && runtime->runtime ? runtime->runtime->tap_records(index, frames)
                                                  : 0;
}

int32_t amp_graph_runtime_snapshot_size(const AmpGraphRuntime *runtime, uint64_t *out_bytes) {
    if (out_bytes == nullptr) return AMP_ERR_INVALID_ARGUMENT;
    return guarded(const_cast<AmpGraphRuntime *>(runtime), "snapshot", [&](amp::GraphRuntime &rt) {
        *out_bytes = rt.snapshot_bytes();
        return AMP_OK;
    });
}

int32_t amp_graph_runtime_snapshot(AmpGraphRuntime *runtime, void *buffer, uint64_t capacity) {
    return guarded(runtime, "snapshot", [&](amp::GraphRuntime &rt) {
        rt.snapshot(buffer, capacity);
        return AMP_OK;
    });
}

int32_t amp_graph_runtime_restore(AmpGraphRuntime *runtime, const void *buffer, uint64_t size) {
    return guarded(runtime, "restore", [&](amp::GraphRuntime &rt) {
        rt.restore(buffer, size);
        return AMP_OK;
    });
}

int32_t amp_graph_runtime_record_size(const AmpGraphRuntime *runtime, uint64_t frames,
                                      uint64_t *out_bytes) {
    if (out_bytes == nullptr) return AMP_ERR_INVALID_ARGUMENT;
    return guarded(const_cast<AmpGraphRuntime *>(runtime), "record", [&](amp::GraphRuntime &rt) {
        *out_bytes = rt.record_bytes(frames);
        return AMP_OK;
    });
}

int32_t amp_graph_runtime_record(AmpGraphRuntime *runtime, uint64_t frames, uint64_t max_bytes) {
    return guarded(runtime, "record", [&](amp::GraphRuntime &rt) {
        rt.record(frames, max_bytes);
        return AMP_OK;
    });
}

int32_t amp_graph_runtime_backward(AmpGraphRuntime *runtime, const double *output_gradient,
                                   uint64_t output_gradient_len, const AmpGradientRequest *requests,
                                   uint32_t request_count) {
    return guarded(runtime, "backward", [&](amp::GraphRuntime &rt) {
        rt.backward(output_gradient, output_gradient_len, requests, request_count);
        return AMP_OK;
    });
}

int32_t amp_graph_runtime_record_checkpointed_size(const AmpGraphRuntime *runtime, uint64_t frames,
                                                   uint64_t checkpoint_frames,
                                                   uint64_t *out_bytes) {
    if (out_bytes == nullptr) return AMP_ERR_INVALID_ARGUMENT;
    return guarded(const_cast<AmpGraphRuntime *>(runtime), "record", [&](amp::GraphRuntime &rt) {
        check_checkpoint(checkpoint_frames);
        *out_bytes = rt.record_bytes(frames, checkpoint_frames);
        return AMP_OK;
    });
}

int32_t amp_graph_runtime_record_checkpointed(AmpGraphRuntime *runtime, uint64_t frames,
                                              uint64_t checkpoint_frames, uint64_t max_bytes) {
    return guarded(runtime, "record", [&](amp::GraphRuntime &rt) {
        check_checkpoint(checkpoint_frames);
        rt.record(frames, max_bytes, checkpoint_frames);
        return AMP_OK;
    });
}

int32_t amp_graph_runtime_backward_v2(AmpGraphRuntime *runtime, const double *output_gradient,
                                      uint64_t output_gradient_len,
                                      const AmpGradientRequest *requests, uint32_t request_count,
                                      const AmpControlHistory *history,
                                      const AmpWorkOptions *work) {
    return guarded(runtime, "backward", [&](amp::GraphRuntime &rt) {
        rt.backward(output_gradient, output_gradient_len, requests, request_count, history, work);
        return AMP_OK;
    });
}

int32_t amp_graph_runtime_describe_graph(const AmpGraphRuntime *runtime,
                                         AmpGraphSummary *out_summary) {
    if (out_summary == nullptr) return AMP_ERR_INVALID_ARGUMENT;
    return guarded(const_cast<AmpGraphRuntime *>(runtime), "describe_graph",
                   [&](amp::GraphRuntime &rt) {
                       rt.describe_graph(*out_summary);
                       return AMP_OK;
                   });
}

int32_t amp_graph_runtime_heat_by_batch(const AmpGraphRuntime *runtime, double *out,
                                        uint64_t out_len) {
    if (out == nullptr) return AMP_ERR_INVALID_ARGUMENT;
    return guarded(
        const_cast<AmpGraphRuntime *>(runtime), "heat_by_batch", [&](amp::GraphRuntime &rt) {
            const uint64_t need = (uint64_t{rt.node_count()} + 1) * uint64_t{rt.batches()};
            if (out_len < need)
                throw amp::AmpFailure(
                    AMP_ERR_INVALID_ARGUMENT, "heat_by_batch", "",
                    "out_len " + std::to_string(out_len) +
                        " is below (node_count + 1) x batches = " + std::to_string(need));
            rt.heat_by_batch(out);
            return AMP_OK;
        });
}

int32_t amp_graph_runtime_last_error(const AmpGraphRuntime *runtime, AmpErrorView *out_error) {
    if (runtime == nullptr || out_error == nullptr) return AMP_ERR_INVALID_ARGUMENT;
    const UseGuard use(runtime);
    if (!use.acquired()) {
        out_error->code = AMP_ERR_PENDING;
        out_error->stage = "";
        out_error->node = "";
        out_error->detail = "runtime busy: another call on this runtime is in progress";
        return AMP_ERR_PENDING;
    }
    out_error->code = runtime->error_code;
    out_error->stage = runtime->error_stage.c_str();
    out_error->node = runtime->error_node.c_str();
    out_error->detail = runtime->error_detail.c_str();
    return runtime->error_code;
}

size_t amp_graph_runtime_read_log(const AmpGraphRuntime *runtime, char *buffer, size_t capacity) {
    if (runtime == nullptr) return 0;
    const UseGuard use(runtime);
    if (!use.acquired()) {
        if (buffer != nullptr && capacity > 0) buffer[0] = '\0';
        return 0;
    }
    const std::string text =
        runtime->runtime ? runtime->runtime->log_text() : runtime->creation_log;
    if (buffer != nullptr && capacity > 0) {
        const size_t copied = std::min(capacity - 1, text.size());
        std::memcpy(buffer, text.data(), copied);
        buffer[copied] = '\0';
    }
    return text.size();
}

int32_t amp_graph_runtime_buffer_bytes(const AmpGraphRuntime *runtime, uint32_t batches,
                                       uint32_t block_frames, uint64_t *out_bytes) {
    if (out_bytes == nullptr) return AMP_ERR_INVALID_ARGUMENT;
    return guarded(
        const_cast<AmpGraphRuntime *>(runtime), "buffer_bytes", [&](amp::GraphRuntime &rt) {
            if (batches < 1 || batches > amp::limits::kMaxBatches || block_frames < 1 ||
                block_frames > amp::limits::kMaxBlockFrames)
                throw amp::AmpFailure(AMP_ERR_INVALID_ARGUMENT, "buffer_bytes", "",
                                      "batches expects an integer in [1, " +
                                          std::to_string(amp::limits::kMaxBatches) +
                                          "] and block_frames one in [1, " +
                                          std::to_string(amp::limits::kMaxBlockFrames) + "], got " +
                                          std::to_string(batches) + " and " +
                                          std::to_string(block_frames));
            *out_bytes = static_cast<uint64_t>(std::ceil(rt.buffer_bytes(batches, block_frames)));
            return AMP_OK;
        });
}

void amp_set_memory_budget(uint64_t bytes) { amp::set_memory_budget_bytes(bytes); }

uint64_t amp_memory_budget(void) { return static_cast<uint64_t>(amp::memory_budget_bytes()); }

} // extern "C"
