// Entry point of the semiseg native addon: registers the exports of each part.
#include "common.h"

#include <ATen/Parallel.h>

#include <thread>

namespace semiseg {

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  // libtorch's default intra-op thread count can be 1 on virtual machines: use every core unless the
  // caller sets another count.
  const unsigned cores = std::thread::hardware_concurrency();
  if (cores > 0 && at::get_num_threads() < static_cast<int>(cores)) at::set_num_threads(static_cast<int>(cores));
  RegisterOps(env, exports);
  RegisterTensors(env, exports);
  RegisterRuntime(env, exports);
  RegisterSerialize(env, exports);
  return exports;
}

}  // namespace semiseg

static Napi::Object InitAddon(Napi::Env env, Napi::Object exports) { return semiseg::Init(env, exports); }

NODE_API_MODULE(semiseg_native, InitAddon)
