// Checkpoints in HuggingFace's folder layout: config.json + model.safetensors (or, for repos that
// have no safetensors, pytorch_model.bin, read without running its pickle: tensor/torch_file.h).
//
//   auto model = from_pretrained<BertForMaskedLM>("bert-base-uncased");   // or "path/to/folder"
//   save_pretrained(*model, model->bert.config, "out/");   // loads back in Python's transformers
//
// Loading matches tensors by HF name, the way transformers does:
//   * a base checkpoint ("embeddings.…") loads into a model with a head ("bert.embeddings.…")
//     and a full checkpoint ("bert.…", "cls.…") into a bare BertModel;
//   * legacy names LayerNorm.gamma / LayerNorm.beta mean weight / bias;
//   * cls.predictions.decoder.weight / .bias are the tied word embeddings / output bias;
//   * F16 and BF16 tensors are converted to float32.
// Keys the model lacks are reported as "not used", parameters the checkpoint lacks as "newly
// initialized" (in transformers' words, on stderr); a shape mismatch is an error listing them all.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "bert/config.h"   // defines: BertConfig
#include "nn/module.h"     // defines: Module
#include "tensor/safetensors.h"  // defines: SafetensorsFile
#include "tensor/torch_file.h"   // defines: TorchFile

namespace bertlab::bert {

struct LoadReport {
  std::vector<std::string> missing_keys;     // parameters left as initialised
  std::vector<std::string> unexpected_keys;  // checkpoint tensors the model does not use
  std::vector<std::string> renamed_keys;     // legacy names applied ("….gamma -> ….weight")
};

// Copy every matching tensor of `file` into `model`'s parameters (see the rules above).
LoadReport load_weights(nn::Module& model, const SafetensorsFile& file);
LoadReport load_weights(nn::Module& model, const TorchFile& file);  // the same rules for a .bin

// Construct M from <folder>/config.json, initialise as HF does, then load <folder>/model.safetensors,
// or <folder>/pytorch_model.bin when there is no model.safetensors (transformers' order), printing HF's warnings for unused and newly initialised weights. The folder is `name_or_path`
// itself when it exists, else a hub name ("bert-base-uncased", "org/name") found in the HuggingFace
// cache or downloaded into it (hub/resolve.h, docs/models.md). One std::string overload, so that
// "bert-base-uncased" is not ambiguous; a std::filesystem::path converts to it.
template <typename M>
std::unique_ptr<M> from_pretrained(const std::string& name_or_path);
// The same with a config of your own (HF's from_pretrained(name, num_labels=...)): e.g. the
// checkpoint's config with id2label set from the fine-tuning data, for a new classifier head.
template <typename M>
std::unique_ptr<M> from_pretrained(const std::string& name_or_path, const BertConfig& config);

// Write folder/config.json (architectures = the model's class) and folder/model.safetensors,
// each atomically (temporary file + rename). torch_dtype "float16" stores every weight as a half
// (as model.half().save_pretrained(folder)): half the bytes; from_pretrained widens them back.
void save_pretrained(const nn::Module& model, BertConfig config, const std::filesystem::path& folder,
                     const std::string& torch_dtype = "float32");

}  // namespace bertlab::bert
