// bertlab forward: run a model on inputs from a safetensors file and write every output.
//
//   bertlab forward --model DIR [--task mlm|seq-cls|qa|token-cls|multiple-choice|nsp|pretraining|base]
//                   --inputs IN.safetensors --out OUT.safetensors [--grads] [--adapter PEFT_ADAPTER_DIR]
// A machine-readable interface for checking bertlab against other implementations: the output
// names are those of the fixtures (see pipelines/forward_outputs.h).
#include "pipelines/forward_outputs.h"
#include "examples/cli/commands.h"

namespace bertlab::cli {

void add_forward_command(CLI::App& app) {
  auto* cmd = app.add_subcommand("forward", "Run a model on IN.safetensors and write all outputs to OUT.safetensors");
  struct Options {
    std::string model, task, inputs, out, adapter;
    bool grads = false;
  };
  auto opt = std::make_shared<Options>();
  cmd->add_option("--model", opt->model, "HF model folder (config.json + model.safetensors)")->required();
  cmd->add_option("--task", opt->task, "mlm | seq-cls | qa | token-cls | multiple-choice | nsp | pretraining | base (default: from config.json architectures)");
  cmd->add_option("--inputs", opt->inputs, "safetensors with input_ids, attention_mask, token_type_ids, labels")
      ->required();
  cmd->add_option("--out", opt->out, "where to write the outputs (safetensors, F32)")->required();
  cmd->add_option("--adapter", opt->adapter,
                  "PEFT LoRA adapter folder (adapter_config.json + adapter_model.safetensors) to apply");
  cmd->add_flag("--grads", opt->grads, "also write grad.<parameter> of the loss for every trainable parameter");
  cmd->callback([opt] {
    const pipelines::Task task = opt->task.empty() ? pipelines::task_from_config(opt->model) : pipelines::parse_task(opt->task);
    const auto outputs =
        pipelines::forward_outputs(opt->model, task, SafetensorsFile::open(opt->inputs), opt->grads, opt->adapter);
    SafetensorsWriter writer;
    for (const auto& [name, tensor] : outputs) writer.add(name, tensor);
    writer.save(opt->out);
  });
}

}  // namespace bertlab::cli
