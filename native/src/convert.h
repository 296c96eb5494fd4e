// Schema-driven conversion between JS values and c10::IValue.
// JS numbers are ambiguous (int, float, Scalar), so each argument is converted by its schema type.
#pragma once

#include "common.h"

#include <ATen/core/function_schema.h>
#include <ATen/core/ivalue.h>

namespace semiseg {

enum class ArgKind {
  Tensor,
  Int,
  Float,
  Bool,
  Scalar,
  Str,
  IntList,
  FloatList,
  BoolList,
  TensorList,
  OptTensorList,
  ScalarType,
  Layout,
  MemoryFormat,
  Device,
  Generator,
  Unsupported,
};

// One argument of an operator schema, pre-digested for fast conversion.
struct ArgSpec {
  std::string name;
  std::string type;  // the schema's spelling, e.g. "int[3]", "Tensor?"
  ArgKind kind = ArgKind::Unsupported;
  bool optional = false;
  bool kwargOnly = false;
  int64_t fixedSize = -1;  // N of int[N]; -1 when unsized
  c10::optional<c10::IValue> defaultValue;
};

ArgSpec MakeArgSpec(const c10::Argument& arg);

// Converts a JS value to the IValue for `spec`. undefined takes the schema default (or None for an
// optional argument); null is None. Throws a TorchError naming `context` and the argument.
c10::IValue ToIValue(const Napi::Value& value, const ArgSpec& spec, const std::string& context);

// Converts a returned IValue to JS: Tensor -> handle number, list -> array, tuple -> array,
// int/float -> number, bool -> boolean, None -> null, string -> string.
Napi::Value FromIValue(Napi::Env env, const c10::IValue& value);

}  // namespace semiseg
