// node_call.h: single-node invocation, amp_run_node_v2 (amp_run_node is its forward mode without
// metrics), and amp_live_state_count.
//
// runNode(descriptor, inputs, batches, channels, frames, sampleRate, state, options) runs one
// window synchronously on the JS thread (node windows are small; a graph render is the
// asynchronous path):
//   descriptor  {name, type, paramsJson}                     AmpNodeDescriptorView
//   inputs      {audio: [{data, batches, channels, frames}],  AmpNodeInputs (audio in port order)
//                params: [{name, data, batches, channels, frames}]}
//   batches, channels, frames: int32 (the C types); sampleRate: number (Hz)
//   state       a NodeState (node_state_wrap.h); replaced states are released here
//   options     {mode: 0 forward | 1 backward, history?: NativeHistoryCurve[],
//                historyFrameOffset?: integer frames (AmpControlHistory::frame_offset, default 0)}
// and returns {samples: Float64Array (a copy of the native buffer, which is amp_free'd),
// outputChannels, metrics}. Types only are checked (TypeError naming the argument), plus the
// memory-safety rule that each data array holds exactly its batches x channels x frames values
// (RangeError). A failed call throws the registered error class with amp_run_node_last_error.
#pragma once

#include <napi.h>

namespace amp_binding {

Napi::Value RunNode(const Napi::CallbackInfo &info);
// liveStateCount(): amp_live_state_count(), node states created and not yet released.
Napi::Value LiveStateCount(const Napi::CallbackInfo &info);

} // namespace amp_binding
