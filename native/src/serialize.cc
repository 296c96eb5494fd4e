// Named tensor dictionaries in PyTorch's pickle (zip) format: bytes that Python's torch.load reads,
// and the reader of what Python's torch.save wrote (a dict or OrderedDict of tensors).
#include "common.h"

#include <ATen/ATen.h>
#include <torch/csrc/jit/serialization/pickle.h>

namespace semiseg {

namespace {

// pickleSave(names: string[], handles: number[]) -> Buffer. Tensors are saved detached, on the CPU.
Napi::Value PickleSave(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return Guard(env, "pickleSave", [&]() -> Napi::Value {
    if (info.Length() < 2 || !info[0].IsArray() || !info[1].IsArray()) {
      ThrowTorchError(env, "pickleSave", "expects (names: string[], tensors: Tensor[])");
    }
    Napi::Array names = info[0].As<Napi::Array>();
    Napi::Array handles = info[1].As<Napi::Array>();
    if (names.Length() != handles.Length()) ThrowTorchError(env, "pickleSave", "names and tensors differ in length");
    c10::Dict<std::string, at::Tensor> dict;
    for (uint32_t i = 0; i < names.Length(); ++i) {
      Napi::Value name = names.Get(i);
      if (!name.IsString()) ThrowTorchError(env, "pickleSave", "every name must be a string");
      const std::string key = name.As<Napi::String>();
      if (dict.contains(key)) ThrowTorchError(env, "pickleSave", "duplicate name '" + key + "'");
      at::Tensor t = TensorArg(handles.Get(i), "pickleSave", key.c_str()).detach();
      if (!t.device().is_cpu()) t = t.to(at::kCPU);
      dict.insert(key, t);
    }
    const std::vector<char> bytes = torch::jit::pickle_save(c10::IValue(dict));
    return Napi::Buffer<char>::Copy(env, bytes.data(), bytes.size());
  });
}

void Flatten(const std::string& prefix, const c10::IValue& v, std::vector<std::pair<std::string, at::Tensor>>* out) {
  auto join = [&](const std::string& key) { return prefix.empty() ? key : prefix + "." + key; };
  if (v.isTensor()) {
    out->emplace_back(prefix, v.toTensor());
  } else if (v.isGenericDict()) {
    for (const auto& entry : v.toGenericDict()) {
      const c10::IValue& k = entry.key();
      std::string key;
      if (k.isString()) {
        key = k.toStringRef();
      } else if (k.isInt()) {
        key = std::to_string(k.toInt());
      } else {
        throw std::runtime_error("dictionary key of type " + k.tagKind() + " is not a string or int");
      }
      Flatten(join(key), entry.value(), out);
    }
  } else if (v.isList() || v.isTuple()) {
    const auto elems = v.isList() ? v.toListRef().vec() : v.toTupleRef().elements().vec();
    for (size_t i = 0; i < elems.size(); ++i) Flatten(join(std::to_string(i)), elems[i], out);
  } else if (v.isInt()) {
    out->emplace_back(prefix, at::scalar_tensor(v.toInt(), at::kLong));
  } else if (v.isDouble()) {
    out->emplace_back(prefix, at::scalar_tensor(v.toDouble(), at::kDouble));
  } else if (v.isBool()) {
    out->emplace_back(prefix, at::scalar_tensor(v.toBool(), at::kBool));
  } else if (v.isNone()) {
    // None entries (an absent buffer) carry no tensor.
  } else {
    throw std::runtime_error("entry '" + prefix + "' holds a " + v.tagKind() + ", not a tensor");
  }
}

// pickleLoad(bytes: Uint8Array) -> [names: string[], handles: number[]]. Nested dicts and lists are
// flattened with '.'-joined keys; int/float/bool values become 0-d tensors.
Napi::Value PickleLoad(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return Guard(env, "pickleLoad", [&]() -> Napi::Value {
    if (info.Length() < 1 || !info[0].IsTypedArray()) ThrowTorchError(env, "pickleLoad", "expects bytes");
    Napi::Uint8Array bytes = info[0].As<Napi::Uint8Array>();
    const char* base = reinterpret_cast<const char*>(bytes.Data());
    std::vector<char> data(base, base + bytes.ElementLength());
    const c10::IValue value = torch::jit::pickle_load(data);
    std::vector<std::pair<std::string, at::Tensor>> entries;
    Flatten("", value, &entries);
    Napi::Array names = Napi::Array::New(env, entries.size());
    Napi::Array handles = Napi::Array::New(env, entries.size());
    for (size_t i = 0; i < entries.size(); ++i) {
      names.Set(static_cast<uint32_t>(i), entries[i].first);
      handles.Set(static_cast<uint32_t>(i), WrapTensor(env, entries[i].second));
    }
    Napi::Array out = Napi::Array::New(env, 2);
    out.Set(0u, names);
    out.Set(1u, handles);
    return out;
  });
}

}  // namespace

void RegisterSerialize(Napi::Env env, Napi::Object exports) {
  exports.Set("pickleSave", Napi::Function::New(env, PickleSave, "pickleSave"));
  exports.Set("pickleLoad", Napi::Function::New(env, PickleLoad, "pickleLoad"));
}

}  // namespace semiseg
