// Every number a BERT forward (and backward) pass produces, by the names the fixtures use.
//
// This is what `bertlab forward` writes and what the golden tests compare with HuggingFace:
//   embedding_output, hidden_states.<i> (0..L), last_hidden_state, attentions.<i>,
//   pooler_output (when the model has a pooler), mlm_logits | seqcls_logits |
//   qa_start_logits + qa_end_logits | tokcls_logits | mc_logits | nsp_logits | mlm_logits + nsp_logits
//   (pretraining), the intermediates debug.layer.<i>.attention_output and
//   debug.layer.<i>.intermediate_output (and debug.mlm_transform_output for mlm and pretraining),
//   the loss mlm_loss | seqcls_loss | qa_loss | tokcls_loss | mc_loss | nsp_loss | pretraining_loss
//   when labels are given, and with grads = true, grad.<HF parameter name> for every trainable parameter.
// Inputs are read by name: input_ids, attention_mask, token_type_ids (I64 [B, S]; [B, C, S] for
// multiple-choice, whose BertModel outputs are then the flat [B·C, ...] ones, as in HF) and the
// labels mlm_labels | labels | start_positions + end_positions | next_sentence_label (nsp;
// pretraining: mlm_labels + next_sentence_label); any other tensor is ignored.
// With a PEFT LoRA adapter folder (peft/lora.h) the model runs with the adapter, the gradients are
// those of the adapter only, grad.<adapter file key> (grad.base_model.model.<m>.lora_A.weight), and
// merged.<m>.weight = W + scaling·B·A is written for every adapted Linear <m>.
#pragma once

#include <filesystem>
#include <map>
#include <string>

#include "tensor/safetensors.h"  // defines: SafetensorsFile

namespace bertlab::pipelines {

enum class Task { base, mlm, seq_cls, qa, token_cls, multiple_choice, nsp, pretraining };

// "mlm", "seq-cls", "qa", "token-cls", "multiple-choice", "nsp", "pretraining", "base" (as on the
// command line); throws on anything else.
Task parse_task(const std::string& name);
// The task of a checkpoint's config.json "architectures" (BertForMaskedLM -> mlm, ...; else base).
Task task_from_config(const std::filesystem::path& model_dir);

// adapter_dir empty: no adapter.
std::map<std::string, Tensor> forward_outputs(const std::filesystem::path& model_dir, Task task,
                                              const SafetensorsFile& inputs, bool grads,
                                              const std::filesystem::path& adapter_dir = {});

}  // namespace bertlab::pipelines
