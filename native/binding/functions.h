// functions.h: the module-level functions that map to stateless C ABI entry points.
#pragma once

#include <napi.h>

namespace amp_binding {

// apiVersion(): amp_api_version().
Napi::Value ApiVersion(const Napi::CallbackInfo &info);
// statusName(code): amp_status_name(code).
Napi::Value StatusNameOf(const Napi::CallbackInfo &info);
// nodeCatalog(): amp_node_catalog_json(), the JSON text of every registered node type.
Napi::Value NodeCatalog(const Napi::CallbackInfo &info);
// analyzeLevels(samples, batches, channels, frames): {peak, rms}, each batches x channels.
Napi::Value AnalyzeLevels(const Napi::CallbackInfo &info);
Napi::Value CountNonFinite(const Napi::CallbackInfo &info);
// lossL2(y, target, gradientOut): amp_loss_l2; returns the loss, fills gradientOut.
Napi::Value LossL2(const Napi::CallbackInfo &info);
// lossSpectralL2(size, hop, window, kaiserBeta, y, target, lanes, gradientOut):
// amp_loss_spectral_create / _l2 / _destroy; returns the loss, fills gradientOut.
Napi::Value LossSpectralL2(const Napi::CallbackInfo &info);

} // namespace amp_binding
