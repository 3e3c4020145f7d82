#include "pipelines/forward_outputs.h"  // defines: parse_task, task_from_config, forward_outputs

#include <algorithm>
#include <optional>

#include "bert/checkpoint.h"
#include "bert/for_masked_lm.h"
#include "bert/for_multiple_choice.h"
#include "bert/for_next_sentence_prediction.h"
#include "bert/for_pretraining.h"
#include "bert/for_question_answering.h"
#include "bert/for_sequence_classification.h"
#include "bert/for_token_classification.h"
#include "peft/lora.h"
#include "tensor/autograd.h"  // defines: NoGradGuard
#include "tensor/error.h"
#include "tensor/ops.h"

namespace bertlab::pipelines {

namespace fs = std::filesystem;
using Outputs = std::map<std::string, Tensor>;

namespace {
// Each task's command-line name and HF architecture (config.json "architectures").
struct TaskName {
  Task task;
  const char* name;
  const char* architecture;
};
constexpr TaskName kTasks[] = {
    {Task::mlm, "mlm", "BertForMaskedLM"},
    {Task::seq_cls, "seq-cls", "BertForSequenceClassification"},
    {Task::qa, "qa", "BertForQuestionAnswering"},
    {Task::token_cls, "token-cls", "BertForTokenClassification"},
    {Task::multiple_choice, "multiple-choice", "BertForMultipleChoice"},
    {Task::nsp, "nsp", "BertForNextSentencePrediction"},
    {Task::pretraining, "pretraining", "BertForPreTraining"},
    {Task::base, "base", "BertModel"},
};
}  // namespace

Task parse_task(const std::string& name) {
  std::vector<std::string> names;
  for (const TaskName& t : kTasks) {
    if (name == t.name) return t.task;
    names.push_back(t.name);
  }
  throw Error(fmt::format("task: expected one of {}, got \"{}\"", fmt::join(names, ", "), name));
}

Task task_from_config(const fs::path& model_dir) {
  const bert::BertConfig config = bert::BertConfig::from_json_file(model_dir / "config.json");
  const auto& a = config.architectures;
  for (const TaskName& t : kTasks)
    if (std::find(a.begin(), a.end(), t.architecture) != a.end()) return t.task;
  return Task::base;
}

namespace {

struct Inputs {
  IntTensor input_ids, attention_mask, token_type_ids;
};

IntTensor optional_ids(const SafetensorsFile& file, const std::string& name) {
  return file.contains(name) ? file.int_tensor(name) : IntTensor();
}

Inputs read_inputs(const SafetensorsFile& file) {
  BERT_CHECK(file.contains("input_ids"), "{}: missing input tensor \"input_ids\" (I64 [B, S])", file.file_name());
  return {file.int_tensor("input_ids"), optional_ids(file, "attention_mask"), optional_ids(file, "token_type_ids")};
}

void add_base_outputs(const bert::BertModelOutput& out, Outputs& outputs) {
  outputs["embedding_output"] = out.embedding_output;
  outputs["last_hidden_state"] = out.last_hidden_state;
  for (size_t i = 0; i < out.hidden_states.size(); ++i) outputs[fmt::format("hidden_states.{}", i)] = out.hidden_states[i];
  for (size_t i = 0; i < out.attentions.size(); ++i) outputs[fmt::format("attentions.{}", i)] = out.attentions[i];
  if (out.pooler_output.defined()) outputs["pooler_output"] = out.pooler_output;
}

// The intermediates the fixtures carry as debug.* (HF's names; a mismatch then says where it starts):
// debug.layer.<i>.attention_output (BertAttention) and debug.layer.<i>.intermediate_output
// (BertIntermediate) of every layer, replayed through that layer's own submodules from its input
// hidden_states.<i>, without autograd (dropout is off: from_pretrained gives an eval model).
void add_debug_outputs(const bert::BertModel& bert, const Inputs& in, const bert::BertModelOutput& out, Outputs& outputs) {
  NoGradGuard no_grad;
  const IntTensor& ids = in.input_ids;
  const IntTensor mask = in.attention_mask.numel() > 0 ? in.attention_mask
                                                       : IntTensor(std::vector<int64_t>(ids.numel(), 1), ids.shape);
  const Tensor extended = bert::extended_attention_mask(mask);
  for (size_t i = 0; i < bert.encoder.layer.size(); ++i) {
    const auto& layer = bert.encoder.layer[i];
    const Tensor attention_output = layer.attention.forward(out.hidden_states.at(i), extended).attention_output;
    outputs[fmt::format("debug.layer.{}.attention_output", i)] = attention_output;
    outputs[fmt::format("debug.layer.{}.intermediate_output", i)] = layer.intermediate.forward(attention_output);
  }
}

// BertPredictionHeadTransform's output, replayed like the layers' (mlm and pretraining).
void add_mlm_transform_output(const bert::BertLMPredictionHead& predictions, const Tensor& last_hidden_state,
                              Outputs& outputs) {
  NoGradGuard no_grad;
  outputs["debug.mlm_transform_output"] = predictions.transform.forward(last_hidden_state);
}

// The trainable parameters' gradients: by model name, or by adapter key when an adapter is loaded.
void add_grads(const nn::Module& model, const peft::LoraConfig* adapter, Outputs& outputs) {
  const auto all = model.named_parameters();
  const Outputs named = adapter ? peft::adapter_state_dict(model, *adapter) : Outputs(all.begin(), all.end());
  for (const auto& [name, p] : named)
    if (p.requires_grad() && p.grad().defined()) outputs["grad." + name] = p.grad();
}

// Loads the model of `task` (and the adapter, if any), runs it, and returns its outputs; run_model
// returns the loss (undefined if no labels).
template <typename M, typename Run>
Outputs run(const fs::path& dir, const SafetensorsFile& file, bool grads, const fs::path& adapter_dir, Run run_model) {
  auto model = bert::from_pretrained<M>(dir);
  std::optional<peft::LoraConfig> adapter;
  if (!adapter_dir.empty()) adapter = peft::load_adapter(*model, adapter_dir);
  Outputs outputs;
  Tensor loss = run_model(*model, read_inputs(file), outputs);
  if (grads) {
    BERT_CHECK(loss.defined(), "forward --grads: no loss to differentiate: expected labels in {} for this task",
               file.file_name());
    loss.backward();
    add_grads(*model, adapter ? &*adapter : nullptr, outputs);
  }
  for (const auto& [name, lora] : peft::lora_modules(*model))  // W + scaling·B·A, as PEFT's merge()
    outputs["merged." + name + ".weight"] = add(lora->base_layer.weight, lora->delta_weight());
  return outputs;
}

}  // namespace

Outputs forward_outputs(const fs::path& dir, Task task, const SafetensorsFile& file, bool grads,
                        const fs::path& adapter) {
  switch (task) {
    case Task::base:
      return run<bert::BertModel>(dir, file, grads, adapter, [](bert::BertModel& m, const Inputs& in, Outputs& o) {
        const bert::BertModelOutput out = m.forward(in.input_ids, in.attention_mask, in.token_type_ids, true, true);
        add_base_outputs(out, o);
        add_debug_outputs(m, in, out, o);
        return Tensor();
      });
    case Task::mlm:
      return run<bert::BertForMaskedLM>(dir, file, grads, adapter, [&file](bert::BertForMaskedLM& m, const Inputs& in, Outputs& o) {
        bert::MaskedLMOutput out = m.forward(in.input_ids, in.attention_mask, in.token_type_ids,
                                       optional_ids(file, "mlm_labels"), true, true);
        add_base_outputs(out.bert, o);
        add_debug_outputs(m.bert, in, out.bert, o);
        add_mlm_transform_output(m.cls.predictions, out.bert.last_hidden_state, o);
        o["mlm_logits"] = out.logits;
        if (out.loss.defined()) o["mlm_loss"] = out.loss;
        return out.loss;
      });
    case Task::seq_cls:
      return run<bert::BertForSequenceClassification>(
          dir, file, grads, adapter, [&file](bert::BertForSequenceClassification& m, const Inputs& in, Outputs& o) {
            bert::SequenceClassifierOutput out = m.forward(in.input_ids, in.attention_mask, in.token_type_ids,
                                                     optional_ids(file, "labels"), true, true);
            add_base_outputs(out.bert, o);
            add_debug_outputs(m.bert, in, out.bert, o);
            o["seqcls_logits"] = out.logits;
            if (out.loss.defined()) o["seqcls_loss"] = out.loss;
            return out.loss;
          });
    case Task::qa:
      return run<bert::BertForQuestionAnswering>(
          dir, file, grads, adapter, [&file](bert::BertForQuestionAnswering& m, const Inputs& in, Outputs& o) {
            bert::QuestionAnsweringModelOutput out =
                m.forward(in.input_ids, in.attention_mask, in.token_type_ids, optional_ids(file, "start_positions"),
                          optional_ids(file, "end_positions"), true, true);
            add_base_outputs(out.bert, o);
            add_debug_outputs(m.bert, in, out.bert, o);
            o["qa_start_logits"] = out.start_logits;
            o["qa_end_logits"] = out.end_logits;
            if (out.loss.defined()) o["qa_loss"] = out.loss;
            return out.loss;
          });
    case Task::token_cls:
      return run<bert::BertForTokenClassification>(
          dir, file, grads, adapter, [&file](bert::BertForTokenClassification& m, const Inputs& in, Outputs& o) {
            bert::TokenClassifierOutput out = m.forward(in.input_ids, in.attention_mask, in.token_type_ids,
                                                        optional_ids(file, "labels"), true, true);
            add_base_outputs(out.bert, o);
            add_debug_outputs(m.bert, in, out.bert, o);
            o["tokcls_logits"] = out.logits;
            if (out.loss.defined()) o["tokcls_loss"] = out.loss;
            return out.loss;
          });
    case Task::multiple_choice:
      return run<bert::BertForMultipleChoice>(
          dir, file, grads, adapter, [&file](bert::BertForMultipleChoice& m, const Inputs& in, Outputs& o) {
            bert::MultipleChoiceModelOutput out = m.forward(in.input_ids, in.attention_mask, in.token_type_ids,
                                                            optional_ids(file, "labels"), true, true);
            add_base_outputs(out.bert, o);
            // the intermediates of the flat [B·C, S] batch the encoder ran
            auto flat = [](const IntTensor& ids) {
              return ids.numel() == 0 ? ids : IntTensor(ids.data, {ids.numel() / ids.shape.back(), ids.shape.back()});
            };
            add_debug_outputs(m.bert, {flat(in.input_ids), flat(in.attention_mask), flat(in.token_type_ids)},
                              out.bert, o);
            o["mc_logits"] = out.logits;
            if (out.loss.defined()) o["mc_loss"] = out.loss;
            return out.loss;
          });
    case Task::nsp:
      return run<bert::BertForNextSentencePrediction>(
          dir, file, grads, adapter, [&file](bert::BertForNextSentencePrediction& m, const Inputs& in, Outputs& o) {
            bert::NextSentencePredictorOutput out = m.forward(
                in.input_ids, in.attention_mask, in.token_type_ids, optional_ids(file, "next_sentence_label"), true, true);
            add_base_outputs(out.bert, o);
            add_debug_outputs(m.bert, in, out.bert, o);
            o["nsp_logits"] = out.logits;
            if (out.loss.defined()) o["nsp_loss"] = out.loss;
            return out.loss;
          });
    case Task::pretraining:
      return run<bert::BertForPreTraining>(
          dir, file, grads, adapter, [&file](bert::BertForPreTraining& m, const Inputs& in, Outputs& o) {
            bert::BertForPreTrainingOutput out =
                m.forward(in.input_ids, in.attention_mask, in.token_type_ids, optional_ids(file, "mlm_labels"),
                          optional_ids(file, "next_sentence_label"), true, true);
            add_base_outputs(out.bert, o);
            add_debug_outputs(m.bert, in, out.bert, o);
            add_mlm_transform_output(m.cls.predictions, out.bert.last_hidden_state, o);
            o["mlm_logits"] = out.prediction_logits;
            o["nsp_logits"] = out.seq_relationship_logits;
            if (out.loss.defined()) o["pretraining_loss"] = out.loss;
            return out.loss;
          });
  }
  throw Error("forward_outputs: unknown task");
}

}  // namespace bertlab::pipelines
