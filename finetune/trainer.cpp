#include "finetune/trainer.h"  // defines: Trainer, TrainingArguments

#include <fmt/format.h>

#include <chrono>
#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <unordered_map>

#include "tensor/ops.h"          // defines: scale
#include "nn/schedule.h"         // defines: linear_schedule_with_warmup, clip_grad_norm_
#include "tensor/error.h"        // defines: BERT_CHECK
#include "tensor/random.h"       // defines: Generator, default_generator
#include "tensor/safetensors.h"  // defines: SafetensorsFile, SafetensorsWriter

namespace bertlab::finetune {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

// ---------------------------------------------------------------------------------------------
// Setup: the trainable parameters, in HF's two weight-decay groups
// ---------------------------------------------------------------------------------------------

Trainer::Trainer(nn::Module& model, TrainingArguments args, int64_t num_train_examples, LossFn loss_fn, EvalFn eval_fn)
    : model_(model), args_(std::move(args)), num_examples_(num_train_examples), loss_fn_(std::move(loss_fn)),
      eval_fn_(std::move(eval_fn)) {
  BERT_CHECK(num_examples_ > 0, "Trainer: no training examples: expected at least 1, got {}", num_examples_);
  BERT_CHECK(args_.max_steps > 0 && args_.per_device_train_batch_size > 0 && args_.gradient_accumulation_steps > 0,
             "Trainer: max_steps, batch size and accumulation steps must be positive: got {}, {}, {}",
             args_.max_steps, args_.per_device_train_batch_size, args_.gradient_accumulation_steps);
  for (auto& [name, p] : model_.named_parameters())
    if (p.requires_grad()) trainable_.emplace_back(name, p);
  BERT_CHECK(!trainable_.empty(), "Trainer: the model has no parameter with requires_grad. Hint: did you freeze all?");
  optimizer_ = std::make_unique<nn::AdamW>(nn::decay_groups(trainable_, args_.weight_decay), args_.learning_rate);
}

// ---------------------------------------------------------------------------------------------
// Data order: example stream = epoch 0's permutation, then epoch 1's, ... Each permutation is
// a function of (seed, epoch) only, so a resumed run sees the same batches without saving them.
// ---------------------------------------------------------------------------------------------

namespace {
std::vector<int64_t> epoch_permutation(uint64_t seed, int64_t epoch, int64_t n) {
  std::vector<int64_t> order(n);
  for (int64_t i = 0; i < n; ++i) order[i] = i;
  Generator gen(seed * 1000003u + static_cast<uint64_t>(epoch));
  for (int64_t i = n - 1; i > 0; --i) std::swap(order[i], order[gen.next_u64() % static_cast<uint64_t>(i + 1)]);
  return order;  // Fisher–Yates
}
}  // namespace

std::vector<int64_t> Trainer::micro_batch(int64_t micro_step) const {
  const int64_t B = args_.per_device_train_batch_size;
  std::vector<int64_t> out;
  int64_t cached_epoch = -1;
  std::vector<int64_t> order;
  for (int64_t k = micro_step * B; k < (micro_step + 1) * B; ++k) {
    const int64_t epoch = k / num_examples_;
    if (epoch != cached_epoch) order = epoch_permutation(args_.seed, cached_epoch = epoch, num_examples_);
    out.push_back(order[k % num_examples_]);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Logging: history.jsonl and the progress bar
// ---------------------------------------------------------------------------------------------

void Trainer::log(const std::map<std::string, double>& values) const {
  if (args_.output_dir.empty()) return;
  nlohmann::json line = {{"step", global_step}};
  for (auto& [k, v] : values) line[k] = v;
  std::ofstream(args_.output_dir / "history.jsonl", std::ios::app) << line.dump() << "\n";
}

namespace {
std::string hms(double seconds) {
  const auto s = static_cast<int64_t>(seconds);
  return fmt::format("{}:{:02d}:{:02d}", s / 3600, s / 60 % 60, s % 60);
}

// Drop the lines an interrupted run wrote after the checkpoint we resume from.
void truncate_history(const fs::path& file, int64_t step) {
  std::ifstream in(file);
  std::string kept, line;
  while (std::getline(in, line))
    if (!line.empty() && nlohmann::json::parse(line).value("step", int64_t{0}) <= step) kept += line + "\n";
  in.close();
  std::ofstream(file, std::ios::trunc) << kept;
}
}  // namespace

void Trainer::evaluate() {
  if (!eval_fn_) return;
  last_metrics_.clear();
  for (auto& [k, v] : eval_fn_()) last_metrics_["eval_" + k] = v;
  model_.train();  // eval_fn switches to eval mode; training continues in train mode
  log(last_metrics_);
  if (!args_.disable_tqdm) {
    std::string text;
    for (auto& [k, v] : last_metrics_) text += fmt::format(" {} {:.4f}", k, v);
    fmt::print(stderr, "\nstep {}:{}\n", global_step, text);
  }
}

// ---------------------------------------------------------------------------------------------
// The loop
// ---------------------------------------------------------------------------------------------

double Trainer::train(const std::optional<fs::path>& resume_from_checkpoint) {
  if (!args_.output_dir.empty()) fs::create_directories(args_.output_dir);
  default_generator().manual_seed(args_.seed);  // dropout masks; a checkpoint overrides it
  if (resume_from_checkpoint) {
    load_checkpoint(*resume_from_checkpoint);
    if (!args_.output_dir.empty()) truncate_history(args_.output_dir / "history.jsonl", global_step);
  } else if (!args_.output_dir.empty()) {
    std::ofstream(args_.output_dir / "history.jsonl", std::ios::trunc);
  }
  const int64_t warmup = static_cast<int64_t>(std::ceil(args_.warmup_ratio * static_cast<double>(args_.max_steps)));
  std::vector<Tensor> params;
  for (auto& [name, p] : trainable_) params.push_back(p);
  model_.train();
  const auto start = Clock::now();
  const int64_t first_step = global_step;
  int64_t tokens = 0;
  double loss = 0.0;
  while (global_step < args_.max_steps) {
    // Accumulate: each micro-batch's mean loss / K, so the gradient is that of the mean.
    loss = 0.0;
    optimizer_->zero_grad();
    for (int64_t a = 0; a < args_.gradient_accumulation_steps; ++a) {
      StepOutput out = loss_fn_(micro_batch(global_step * args_.gradient_accumulation_steps + a));
      Tensor scaled = scale(out.loss, 1.0f / static_cast<float>(args_.gradient_accumulation_steps));
      scaled.backward();
      loss += out.loss.item() / static_cast<double>(args_.gradient_accumulation_steps);
      tokens += out.num_tokens;
    }
    optimizer_->lr = nn::linear_schedule_with_warmup(args_.learning_rate, global_step, warmup, args_.max_steps);
    const float grad_norm = nn::clip_grad_norm_(params, args_.max_grad_norm);
    optimizer_->step();
    ++global_step;

    if (global_step % args_.logging_steps == 0 || global_step == args_.max_steps)
      log({{"loss", loss}, {"lr", optimizer_->lr}, {"grad_norm", grad_norm}});
    if (!args_.disable_tqdm) {
      const double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
      const double per_step = elapsed / static_cast<double>(global_step - first_step);
      fmt::print(stderr, "\rstep {}/{} | loss {:.4f} | lr {:.2e} | {:.0f} tokens/s | ETA {}   ", global_step,
                 args_.max_steps, loss, optimizer_->lr, static_cast<double>(tokens) / elapsed,
                 hms(per_step * static_cast<double>(args_.max_steps - global_step)));
    }
    const bool last = global_step == args_.max_steps;
    if ((args_.eval_steps > 0 && global_step % args_.eval_steps == 0) || last) evaluate();
    if (!args_.output_dir.empty() && ((args_.save_steps > 0 && global_step % args_.save_steps == 0) || last))
      save_checkpoint(args_.output_dir / fmt::format("checkpoint-{}", global_step));
  }
  if (!args_.disable_tqdm) fmt::print(stderr, "\n");
  return loss;
}

// ---------------------------------------------------------------------------------------------
// Checkpoints: everything the next step depends on, so a resumed run is bit-identical
// ---------------------------------------------------------------------------------------------

// The parameter name of each optimizer slot (group g, index i): the keys of optimizer.safetensors.
std::vector<std::vector<std::string>> Trainer::optimizer_param_names() const {
  std::unordered_map<const float*, std::string> name_of;
  for (auto& [name, p] : trainable_) name_of[p.data()] = name;
  std::vector<std::vector<std::string>> names;
  for (const nn::ParamGroup& group : optimizer_->groups()) {
    names.emplace_back();
    for (const Tensor& p : group.params) names.back().push_back(name_of.at(p.data()));
  }
  return names;
}

void Trainer::save_checkpoint(const fs::path& dir) const {
  // Written into <dir>.tmp, then renamed: a crash never leaves a half-written checkpoint.
  const fs::path tmp = dir.string() + ".tmp";
  fs::remove_all(tmp);
  fs::create_directories(tmp);
  SafetensorsWriter model_file;
  for (auto& [name, p] : model_.named_parameters()) model_file.add(name, p);
  model_file.metadata["format"] = "pt";
  model_file.save(tmp / "model.safetensors");

  SafetensorsWriter optimizer_file;  // AdamW's m and v under the parameter's name
  const auto names = optimizer_param_names();
  for (size_t g = 0; g < names.size(); ++g)
    for (size_t i = 0; i < names[g].size(); ++i) {
      const std::string& name = names[g][i];
      optimizer_file.add("exp_avg." + name, optimizer_->exp_avg[g][i]);
      optimizer_file.add("exp_avg_sq." + name, optimizer_->exp_avg_sq[g][i]);
    }
  optimizer_file.save(tmp / "optimizer.safetensors");

  std::ostringstream rng;
  rng << default_generator().engine();
  const nlohmann::json state = {{"global_step", global_step},
                                {"optimizer_step_count", optimizer_->step_count},
                                {"max_steps", args_.max_steps},
                                {"seed", args_.seed},
                                {"rng_state", rng.str()}};
  std::ofstream(tmp / "trainer_state.json.tmp") << state.dump(2) << "\n";
  fs::rename(tmp / "trainer_state.json.tmp", tmp / "trainer_state.json");
  fs::remove_all(dir);
  fs::rename(tmp, dir);
}

void Trainer::load_checkpoint(const fs::path& dir) {
  const fs::path state_path = dir / "trainer_state.json";
  BERT_CHECK(fs::exists(state_path), "Trainer: no trainer_state.json in {}. Hint: pass a checkpoint-<step> folder",
             dir.string());
  std::ifstream in(state_path);
  const nlohmann::json state = nlohmann::json::parse(in);
  const SafetensorsFile model_file = SafetensorsFile::open(dir / "model.safetensors");
  for (auto& [name, p] : model_.named_parameters()) {
    const Tensor t = model_file.tensor(name);
    BERT_CHECK(t.shape() == p.shape(), "Trainer: checkpoint {}: shape of {}: expected {}, got {}", dir.string(), name,
               p.shape(), t.shape());
    std::copy_n(t.data(), t.numel(), p.data());
  }
  const SafetensorsFile optimizer_file = SafetensorsFile::open(dir / "optimizer.safetensors");
  const auto names = optimizer_param_names();
  for (size_t g = 0; g < names.size(); ++g)
    for (size_t i = 0; i < names[g].size(); ++i) {
      const std::string& name = names[g][i];
      for (auto [key, target] : {std::pair{"exp_avg.", &optimizer_->exp_avg}, {"exp_avg_sq.", &optimizer_->exp_avg_sq}}) {
        const Tensor t = optimizer_file.tensor(key + name);
        std::copy_n(t.data(), t.numel(), (*target)[g][i].data());
      }
    }
  global_step = state.at("global_step").get<int64_t>();
  optimizer_->step_count = state.at("optimizer_step_count").get<int64_t>();
  std::istringstream rng(state.at("rng_state").get<std::string>());
  rng >> default_generator().engine();
}

}  // namespace bertlab::finetune
