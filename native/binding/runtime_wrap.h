// runtime_wrap.h: the JS Runtime object (NativeRuntime in src/native/addon-types.ts), one
// method per amp_graph_runtime_* entry point.
//
// Lifecycle: created by createRuntime(); while a render is in flight every method but cancel()
// and destroy() throws (code -1, stage "binding", "runtime busy: a render is in progress");
// destroy() releases the handle (after the render in flight settles) and is idempotent; after
// it every method but cancel() and destroy() throws (code -1, "runtime destroyed"). A wrapper
// collected without destroy() releases the handle in its finalizer.
#pragma once

#include <napi.h>

#include <memory>

#include "args.h"
#include "runtime_state.h"

namespace amp_binding {

class RuntimeWrap : public Napi::ObjectWrap<RuntimeWrap> {
  public:
    // The (unexported) class; stored in AddonData::runtime_constructor.
    static Napi::Function DefineClass(Napi::Env env);
    // createRuntime(graphJson: string): Runtime.
    static Napi::Value Create(const Napi::CallbackInfo &info);

    // Only reachable through Create(), which leaves the state in AddonData::pending_runtime.
    explicit RuntimeWrap(const Napi::CallbackInfo &info);

  private:
    void Configure(const Napi::CallbackInfo &info);
    void SetSampleRate(const Napi::CallbackInfo &info);
    void SetThreads(const Napi::CallbackInfo &info);
    void Reset(const Napi::CallbackInfo &info);
    void SetParam(const Napi::CallbackInfo &info);
    void SetBuffer(const Napi::CallbackInfo &info);
    void ClearParams(const Napi::CallbackInfo &info);
    void ShareLanes(const Napi::CallbackInfo &info);
    Napi::Value Render(const Napi::CallbackInfo &info);
    // renderInto(buffer, frames): amp_graph_runtime_execute on the calling thread into the
    // caller's buffer (batches x output channels x frames); for short interactive blocks.
    void RenderInto(const Napi::CallbackInfo &info);
    void Cancel(const Napi::CallbackInfo &info);
    Napi::Value NodeNames(const Napi::CallbackInfo &info);
    Napi::Value TapInfos(const Napi::CallbackInfo &info);
    Napi::Value DescribeNode(const Napi::CallbackInfo &info);
    Napi::Value DescribeGraph(const Napi::CallbackInfo &info);
    // heatByBatch(): Float64Array (node_count + 1) x batches (amp_graph_runtime_heat_by_batch).
    Napi::Value HeatByBatch(const Napi::CallbackInfo &info);
    Napi::Value LastError(const Napi::CallbackInfo &info);
    Napi::Value ReadLog(const Napi::CallbackInfo &info);
    // snapshot(): Uint8Array (amp_graph_runtime_snapshot); restore(snapshot: Uint8Array).
    Napi::Value Snapshot(const Napi::CallbackInfo &info);
    Napi::Value BufferBytes(const Napi::CallbackInfo &info);
    void Restore(const Napi::CallbackInfo &info);
    // recordSize(frames): number (amp_graph_runtime_record_size); record(frames, maxBytes)
    // (amp_graph_runtime_record); backward(outputGradient, requests) with requests
    // [{ node, param?, summed, out: Float64Array }] (amp_graph_runtime_backward_v2: fills `out`);
    // with a third argument work = {onProgress?, intervalMs} the pass runs on a worker thread
    // (progress in frames of the span; cancel() stops it) and returns a Promise; a fourth,
    // history (curves as render's), is the span's control history (a checkpointed recording
    // re-renders with it; "@history" requests need it). recordCheckpointedSize(frames,
    // checkpointFrames) / recordCheckpointed(frames, checkpointFrames, maxBytes):
    // amp_graph_runtime_record_checkpointed(_size).
    Napi::Value RecordSize(const Napi::CallbackInfo &info);
    void Record(const Napi::CallbackInfo &info);
    Napi::Value Backward(const Napi::CallbackInfo &info);
    Napi::Value RecordCheckpointedSize(const Napi::CallbackInfo &info);
    void RecordCheckpointed(const Napi::CallbackInfo &info);
    void Destroy(const Napi::CallbackInfo &info);

    // The handle, or throws the "destroyed" / "busy" error.
    AmpGraphRuntime *Usable(Napi::Env env) const;
    // Throws the runtime's error for a failed status.
    void Check(Napi::Env env, int32_t status, const char *stage) const;

    std::shared_ptr<RuntimeState> state_;
};

} // namespace amp_binding
