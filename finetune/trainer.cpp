#include "finetune/trainer.h"  // defines: Trainer, TrainingArguments

#include <fmt/format.h>

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <unordered_map>

#include "bert/encoder.h"         // defines: gradient_checkpointing_enable
#include "tensor/ops.h"          // defines: scale
#include "nn/schedule.h"         // defines: linear_schedule_with_warmup, clip_grad_norm_
#include "tensor/error.h"        // defines: BERT_CHECK
#include "tensor/json_file.h"    // defines: read_text_file, parse_json_object
#include "tensor/memory.h"       // defines: live_tensor_bytes, peak_tensor_bytes, peak_resident_bytes
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
  // Values that can only train on garbage are refused before step 1. (NaN fails every
  // comparison, so "x >= 0" also rejects NaN.) A learning rate of 0 is allowed: it runs the
  // same numbers without learning, the parity check of docs/finetuning.md.
  BERT_CHECK(std::isfinite(args_.learning_rate) && args_.learning_rate >= 0,
             "Trainer: learning_rate: expected a finite number >= 0, got {}", args_.learning_rate);
  BERT_CHECK(args_.warmup_ratio >= 0 && args_.warmup_ratio <= 1, "Trainer: warmup_ratio: expected a fraction in [0, 1], "
             "got {}", args_.warmup_ratio);
  BERT_CHECK(std::isfinite(args_.weight_decay) && args_.weight_decay >= 0,
             "Trainer: weight_decay: expected a finite number >= 0, got {}", args_.weight_decay);
  BERT_CHECK(std::isfinite(args_.max_grad_norm) && args_.max_grad_norm > 0,
             "Trainer: max_grad_norm: expected a finite number > 0, got {}", args_.max_grad_norm);
  optimizer_ = std::make_unique<nn::AdamW>(nn::decay_groups(trainable_, args_.weight_decay), args_.learning_rate);
  if (args_.gradient_checkpointing) bert::gradient_checkpointing_enable(model_);  // as HF's Trainer does
}

// ---------------------------------------------------------------------------------------------
// Data order: example stream = epoch 0's permutation, then epoch 1's, ... Each permutation is
// a function of (seed, epoch) only, so a resumed run sees the same batches without saving them.
// ---------------------------------------------------------------------------------------------

namespace {
// The text in `file`, written so that a failure (a full disk) is an error naming the file.
void write_text_file(const fs::path& file, const std::string& text, std::ios::openmode mode = std::ios::trunc) {
  std::ofstream out(file, mode);
  out << text;
  out.close();  // flushes: a full disk shows up here
  BERT_CHECK(!out.fail(), "Trainer: cannot write {}: {}", file.string(), std::strerror(errno));
}

std::vector<int64_t> epoch_permutation(uint64_t seed, int64_t epoch, int64_t n) {
  std::vector<int64_t> order(n);
  for (int64_t i = 0; i < n; ++i) order[i] = i;
  Generator gen(seed * 1000003u + static_cast<uint64_t>(epoch));
  for (int64_t i = n - 1; i > 0; --i) std::swap(order[i], order[gen.next_u64() % static_cast<uint64_t>(i + 1)]);
  return order;  // Fisher–Yates
}
}  // namespace

std::vector<int64_t> Trainer::micro_batch(int64_t micro_step) {
  const int64_t B = args_.per_device_train_batch_size;
  std::vector<int64_t> out;
  micro_batch_epochs_.clear();
  int64_t cached_epoch = -1;
  std::vector<int64_t> order;
  for (int64_t k = micro_step * B; k < (micro_step + 1) * B; ++k) {
    const int64_t epoch = k / num_examples_;
    if (epoch != cached_epoch) order = epoch_permutation(args_.seed, cached_epoch = epoch, num_examples_);
    out.push_back(order[k % num_examples_]);
    micro_batch_epochs_.push_back(epoch);
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
  write_text_file(args_.output_dir / "history.jsonl", line.dump() + "\n", std::ios::app);
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
  for (int64_t number = 1; std::getline(in, line); ++number) {
    if (line.empty()) continue;
    int64_t line_step = 0;
    try {
      read_field<Error>(parse_json_object(line, file.string()), "step", line_step, file.string(), /*required=*/true);
    } catch (const Error& e) {
      BERT_CHECK(false, "Trainer: line {}: expected a JSON object with a \"step\": {}", number, e.what());
    }
    if (line_step <= step) kept += line + "\n";
  }
  in.close();
  write_text_file(file, kept);
}

// A file or folder's data made durable. Without fsync, a power cut after the rename can still
// leave an empty file under the new name (ext4 and others write data back later); syncing a
// folder makes the renames inside it durable.
void sync_to_disk(const fs::path& path) {
  const int fd = ::open(path.c_str(), O_RDONLY);
  const bool ok = fd >= 0 && ::fsync(fd) == 0;
  const int error = errno;
  if (fd >= 0) ::close(fd);
  BERT_CHECK(ok, "Trainer: cannot sync {} to disk: {}", path.string(), std::strerror(error));
}

bool is_checkpoint_name(const std::string& name) { return name.rfind("checkpoint-", 0) == 0; }
}  // namespace

// ---------------------------------------------------------------------------------------------
// The output folder holds one run. HF's run_glue.py refuses a non-empty output_dir unless
// --overwrite_output_dir or a checkpoint to resume from: two runs' checkpoints side by side, and
// a history.jsonl cut at the resumed step, would be a mix nobody can read.
// ---------------------------------------------------------------------------------------------

void Trainer::prepare_output_dir(const std::optional<fs::path>& resume_from_checkpoint) const {
  if (args_.output_dir.empty()) return;
  fs::create_directories(args_.output_dir);
  if (resume_from_checkpoint &&
      fs::weakly_canonical(*resume_from_checkpoint).parent_path() == fs::weakly_canonical(args_.output_dir))
    return;  // continuing the run that is in output_dir
  std::vector<std::string> files;
  for (const auto& entry : fs::directory_iterator(args_.output_dir)) files.push_back(entry.path().filename().string());
  if (files.empty()) return;
  std::sort(files.begin(), files.end());
  BERT_CHECK(args_.overwrite_output_dir, "Trainer: output_dir {} already holds another run ({}): expected an empty "
             "folder. Hint: overwrite_output_dir (--overwrite-output-dir) replaces it, resume_from_checkpoint (--resume "
             "{}/checkpoint-<step>) continues it", args_.output_dir.string(), fmt::join(files, ", "),
             args_.output_dir.string());
  // Replace the old run: its checkpoints and history go; the final model files are overwritten.
  for (const std::string& name : files)
    if (is_checkpoint_name(name) || name == "history.jsonl") fs::remove_all(args_.output_dir / name);
}

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

void Trainer::record_memory_ledger() {
  MemoryLedger& m = memory_ledger_;
  m.step = global_step;
  m.weights = m.gradients = m.optimizer_state = 0;
  constexpr int64_t kBytes = sizeof(float);
  for (const Tensor& p : model_.parameters()) m.weights += p.numel() * kBytes;
  for (const auto& [name, p] : trainable_) m.gradients += p.numel() * kBytes;
  for (const auto* state : {&optimizer_->exp_avg, &optimizer_->exp_avg_sq})  // made by AdamW's constructor
    for (const std::vector<Tensor>& group : *state)
      for (const Tensor& t : group) m.optimizer_state += t.numel() * kBytes;
  m.recomputed = memory::peak_tensor_bytes(memory::Tag::recomputed);
  m.peak_tensors = memory::peak_tensor_bytes();
  m.peak_resident = memory::peak_resident_bytes();
  if (!args_.disable_tqdm) fmt::print(stderr, "\n{}", m.to_string());
}

// ---------------------------------------------------------------------------------------------
// The loop
// ---------------------------------------------------------------------------------------------

double Trainer::train(const std::optional<fs::path>& resume_from_checkpoint) {
  prepare_output_dir(resume_from_checkpoint);
  default_generator().manual_seed(args_.seed);  // dropout masks; a checkpoint overrides it
  if (resume_from_checkpoint) {
    load_checkpoint(*resume_from_checkpoint);
    if (!args_.output_dir.empty()) truncate_history(args_.output_dir / "history.jsonl", global_step);
  } else if (!args_.output_dir.empty()) {
    write_text_file(args_.output_dir / "history.jsonl", "");
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
    const bool ledger_step = global_step == first_step;  // the memory ledger measures this run's first step
    // Accumulate: each micro-batch's mean loss / K, so the gradient is that of the mean.
    loss = 0.0;
    optimizer_->zero_grad();
    const int64_t live_before = memory::live_tensor_bytes();
    const int64_t probs_before = memory::live_tensor_bytes(memory::Tag::attention_probs);
    if (ledger_step) memory::reset_peak();
    for (int64_t a = 0; a < args_.gradient_accumulation_steps; ++a) {
      StepOutput out = loss_fn_(micro_batch(global_step * args_.gradient_accumulation_steps + a));
      if (ledger_step && a == 0) {  // forward done, backward not begun: the graph holds the activations
        memory_ledger_.activations = memory::live_tensor_bytes() - live_before;
        memory_ledger_.attention_probs = memory::live_tensor_bytes(memory::Tag::attention_probs) - probs_before;
      }
      Tensor scaled = scale(out.loss, 1.0f / static_cast<float>(args_.gradient_accumulation_steps));
      scaled.backward();
      loss += out.loss.item() / static_cast<double>(args_.gradient_accumulation_steps);
      tokens += out.num_tokens;
    }
    optimizer_->lr = nn::linear_schedule_with_warmup(args_.learning_rate, global_step, warmup, args_.max_steps);
    const float grad_norm = nn::clip_grad_norm_(params, args_.max_grad_norm);
    // AdamW would write a NaN or inf into every weight, and the checkpoints would keep it: stop
    // here, before the step, so the last checkpoint on disk is the last good state.
    BERT_CHECK(std::isfinite(loss), "Trainer: step {}: the loss is {}: training stopped, no checkpoint written. Hint: "
               "a learning rate too high (now {:.3g})?", global_step + 1, loss, optimizer_->lr);
    BERT_CHECK(std::isfinite(grad_norm), "Trainer: step {}: the gradient norm is {}: training stopped, no checkpoint "
               "written. Hint: a learning rate too high (now {:.3g})?", global_step + 1, grad_norm, optimizer_->lr);
    optimizer_->step();
    ++global_step;
    if (ledger_step) record_memory_ledger();

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
  // Every file is written into <dir>.tmp, checked and synced, and only then is the folder renamed
  // to <dir>: a full disk or a crash leaves the previous checkpoints and no half of a new one.
  const fs::path tmp = dir.string() + ".tmp";
  fs::remove_all(tmp);
  fs::create_directories(tmp);
  try {
    SafetensorsWriter model_file;  // save() checks its stream and names the file on failure
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
    write_text_file(tmp / "trainer_state.json", state.dump(2) + "\n");
    for (const char* file : {"model.safetensors", "optimizer.safetensors", "trainer_state.json"})
      sync_to_disk(tmp / file);
    sync_to_disk(tmp);
  } catch (const std::exception&) {
    std::error_code ignored;  // the original error is the one to report
    fs::remove_all(tmp, ignored);
    throw;
  }
  fs::remove_all(dir);
  fs::rename(tmp, dir);
  sync_to_disk(dir.parent_path());  // the rename itself
}

namespace {
// One field of trainer_state.json; a missing or mistyped field is an error naming the file.
template <typename T>
T state_field(const nlohmann::json& state, const char* key, const fs::path& file) {
  const auto it = state.find(key);
  BERT_CHECK(it != state.end(), "Trainer: {}: missing field \"{}\". Hint: was this checkpoint written by bertlab?",
             file.string(), key);
  try {
    return it->get<T>();
  } catch (const nlohmann::json::exception&) {
    throw Error(fmt::format("Trainer: {}: field \"{}\" has the wrong type: got {}", file.string(), key, it->dump()));
  }
}

// Copies tensor `name` of a checkpoint file into `target`, whose shape it must have.
void copy_tensor(const SafetensorsFile& file, const fs::path& path, const std::string& name, Tensor& target) {
  const Tensor t = file.tensor(name);
  BERT_CHECK(t.shape() == target.shape(), "Trainer: {}: shape of {}: expected {}, got {}. Hint: a checkpoint of "
             "another model?", path.string(), name, target.shape(), t.shape());
  target.copy_(t);
}
}  // namespace

void Trainer::load_checkpoint(const fs::path& dir) {
  const fs::path state_path = dir / "trainer_state.json";
  BERT_CHECK(fs::exists(state_path), "Trainer: no trainer_state.json in {}. Hint: pass a checkpoint-<step> folder",
             dir.string());
  const nlohmann::json state = parse_json_object(read_text_file(state_path, "Trainer"), state_path.string());
  const auto step = state_field<int64_t>(state, "global_step", state_path);
  const auto step_count = state_field<int64_t>(state, "optimizer_step_count", state_path);
  std::istringstream rng(state_field<std::string>(state, "rng_state", state_path));

  const fs::path model_path = dir / "model.safetensors", optimizer_path = dir / "optimizer.safetensors";
  const SafetensorsFile model_file = SafetensorsFile::open(model_path);
  for (auto& [name, p] : model_.named_parameters()) copy_tensor(model_file, model_path, name, p);
  const SafetensorsFile optimizer_file = SafetensorsFile::open(optimizer_path);
  const auto names = optimizer_param_names();
  for (size_t g = 0; g < names.size(); ++g)
    for (size_t i = 0; i < names[g].size(); ++i) {
      copy_tensor(optimizer_file, optimizer_path, "exp_avg." + names[g][i], optimizer_->exp_avg[g][i]);
      copy_tensor(optimizer_file, optimizer_path, "exp_avg_sq." + names[g][i], optimizer_->exp_avg_sq[g][i]);
    }
  rng >> default_generator().engine();
  BERT_CHECK(!rng.fail(), "Trainer: {}: field \"rng_state\" is not a generator state", state_path.string());
  global_step = step;
  optimizer_->step_count = step_count;
}

}  // namespace bertlab::finetune
