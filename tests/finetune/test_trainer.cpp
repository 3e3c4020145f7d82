// The Trainer under hostile conditions: a loss or gradient that stops being finite, arguments
// that make no sense, an output folder that holds another run, and checkpoint or history files
// that are damaged. The model is one nn::Linear fitting y = 2x, so every test runs in milliseconds.
#include <catch2/catch.hpp>

#include <cmath>
#include <filesystem>
#include <fstream>

#include "finetune/trainer.h"            // defines: Trainer, TrainingArguments
#include "nn/linear.h"                   // defines: Linear
#include "tensor/ops.h"                  // defines: linear, sub, mul, mean, sqrt, scale
#include "tests/tokenizer/tiny_vocab.h"  // defines: ScratchDir

using namespace bertlab;
using Catch::Matchers::Contains;
namespace fs = std::filesystem;

namespace {

finetune::TrainingArguments small_args(const fs::path& output_dir, int64_t steps) {
  finetune::TrainingArguments args;
  args.output_dir = output_dir;
  args.max_steps = steps;
  args.per_device_train_batch_size = 2;
  args.learning_rate = 1e-2;
  args.save_steps = 1;
  args.disable_tqdm = true;
  return args;
}

// mean((w·x + b - 2x)²) over the rows, x = row index / 8: a loss that is finite for any sane w.
Tensor fit_loss(const nn::Linear& model, const std::vector<int64_t>& rows) {
  std::vector<float> x, y;
  for (int64_t r : rows) x.push_back(static_cast<float>(r) / 8.0f), y.push_back(static_cast<float>(r) / 4.0f);
  const auto B = static_cast<int64_t>(rows.size());
  const Tensor error = sub(model.forward(Tensor::from_vector(x, {B, 1})), Tensor::from_vector(y, {B, 1}));  // [B, 1]
  return mean(mul(error, error));
}

bool holds(const fs::path& dir, const std::string& name) { return fs::exists(dir / name); }

}  // namespace

TEST_CASE("Trainer: a non-finite loss stops training at its step and publishes no checkpoint", "[finetune][trainer]") {
  testing::ScratchDir dir("trainer_nan_loss");
  nn::Linear model(1, 1);
  int64_t calls = 0;
  finetune::Trainer trainer(model, small_args(dir.path / "run", 5), 8, [&](const std::vector<int64_t>& rows) {
    const Tensor loss = fit_loss(model, rows);
    // From the third step on, the loss is multiplied by NaN (as a model whose logits overflowed).
    return finetune::StepOutput{++calls >= 3 ? scale(loss, NAN) : loss, 2};
  });
  REQUIRE_THROWS_WITH(trainer.train(), Contains("step 3: the loss is") && Contains("nan"));
  CHECK(holds(dir.path / "run", "checkpoint-2"));
  CHECK_FALSE(holds(dir.path / "run", "checkpoint-3"));
  CHECK_FALSE(holds(dir.path / "run", "checkpoint-3.tmp"));
  CHECK(std::isfinite(model.weight.data()[0]));  // the NaN gradient never reached the weights
}

TEST_CASE("Trainer: a non-finite gradient norm stops training although the loss is finite", "[finetune][trainer]") {
  testing::ScratchDir dir("trainer_nan_grad");
  nn::Linear model(1, 1);
  finetune::Trainer trainer(model, small_args(dir.path / "run", 3), 8, [&](const std::vector<int64_t>& rows) {
    // sqrt(0 · w) = 0, but d/dw = 0 · 1/(2·0) = 0 · inf = NaN: a finite loss with a NaN gradient.
    const Tensor poison = sqrt(sum(scale(model.weight, 0.0f)));  // []
    return finetune::StepOutput{add(fit_loss(model, rows), poison), 2};
  });
  REQUIRE_THROWS_WITH(trainer.train(), Contains("step 1: the gradient norm is") && Contains("nan"));
  CHECK_FALSE(holds(dir.path / "run", "checkpoint-1"));
}

TEST_CASE("Trainer: nonsensical hyper-parameters are refused before step 1", "[finetune][trainer]") {
  nn::Linear model(1, 1);
  const auto loss_fn = [&](const std::vector<int64_t>& rows) { return finetune::StepOutput{fit_loss(model, rows), 2}; };
  auto make = [&](const std::function<void(finetune::TrainingArguments&)>& change) {
    finetune::TrainingArguments args = small_args("", 2);
    change(args);
    finetune::Trainer trainer(model, args, 8, loss_fn);
  };
  CHECK_THROWS_WITH(make([](auto& a) { a.learning_rate = -1e-3; }), Contains("learning_rate") && Contains("-0.001"));
  CHECK_THROWS_WITH(make([](auto& a) { a.learning_rate = NAN; }), Contains("learning_rate") && Contains("nan"));
  CHECK_THROWS_WITH(make([](auto& a) { a.learning_rate = INFINITY; }), Contains("learning_rate"));
  CHECK_THROWS_WITH(make([](auto& a) { a.warmup_ratio = 1.5; }), Contains("warmup_ratio") && Contains("[0, 1]"));
  CHECK_THROWS_WITH(make([](auto& a) { a.warmup_ratio = -0.1; }), Contains("warmup_ratio"));
  CHECK_THROWS_WITH(make([](auto& a) { a.weight_decay = NAN; }), Contains("weight_decay"));
  CHECK_THROWS_WITH(make([](auto& a) { a.max_grad_norm = 0.0f; }), Contains("max_grad_norm"));
  CHECK_NOTHROW(make([](auto& a) { a.learning_rate = 0.0; }));  // lr 0: the parity check of docs/finetuning.md
}

TEST_CASE("Trainer: an output_dir that holds another run is refused unless overwrite_output_dir",
          "[finetune][trainer]") {
  testing::ScratchDir dir("trainer_output_dir");
  const fs::path out = dir.path / "run";
  nn::Linear model(1, 1);
  const auto loss_fn = [&](const std::vector<int64_t>& rows) { return finetune::StepOutput{fit_loss(model, rows), 2}; };
  finetune::Trainer(model, small_args(out, 3), 8, loss_fn).train();  // checkpoint-1, -2, -3
  REQUIRE(holds(out, "checkpoint-3"));

  finetune::TrainingArguments again = small_args(out, 2);
  again.save_steps = 0;  // only checkpoint-2 at the end
  CHECK_THROWS_WITH(finetune::Trainer(model, again, 8, loss_fn).train(),
                    Contains(out.string()) && Contains("another run") && Contains("overwrite_output_dir"));
  CHECK(holds(out, "checkpoint-3"));  // the refused run touched nothing

  // Resuming into the checkpoint's own run is what --resume is for.
  CHECK_NOTHROW(finetune::Trainer(model, small_args(out, 3), 8, loss_fn).train(out / "checkpoint-2"));
  // Resuming one run's checkpoint into a folder that holds a different run would mix the two.
  const fs::path other = dir.path / "other";
  finetune::Trainer(model, small_args(other, 1), 8, loss_fn).train();
  CHECK_THROWS_WITH(finetune::Trainer(model, small_args(other, 3), 8, loss_fn).train(out / "checkpoint-2"),
                    Contains("another run"));

  again.overwrite_output_dir = true;
  finetune::Trainer(model, again, 8, loss_fn).train();
  CHECK(holds(out, "checkpoint-2"));
  CHECK_FALSE(holds(out, "checkpoint-1"));  // the old run is gone, not mixed in
  CHECK_FALSE(holds(out, "checkpoint-3"));
  std::ifstream history(out / "history.jsonl");
  CHECK(std::count(std::istreambuf_iterator<char>(history), {}, '\n') == 2);
}

TEST_CASE("Trainer: a damaged checkpoint or history is an error that names the file", "[finetune][trainer]") {
  testing::ScratchDir dir("trainer_damaged");
  const fs::path out = dir.path / "run";
  nn::Linear model(1, 1);
  const auto loss_fn = [&](const std::vector<int64_t>& rows) { return finetune::StepOutput{fit_loss(model, rows), 2}; };
  finetune::Trainer(model, small_args(out, 2), 8, loss_fn).train();
  const fs::path checkpoint = out / "checkpoint-1";
  auto resume = [&] { finetune::Trainer(model, small_args(out, 2), 8, loss_fn).train(checkpoint); };

  SECTION("history.jsonl with a line that is not JSON") {
    std::ofstream(out / "history.jsonl", std::ios::app) << "{\"step\": 3, \"loss\": \n";
    CHECK_THROWS_WITH(resume(), Contains((out / "history.jsonl").string()) && Contains("line 3"));
  }
  SECTION("trainer_state.json that is not JSON") {
    std::ofstream(checkpoint / "trainer_state.json") << "{\"global_step\": 1,";
    CHECK_THROWS_WITH(resume(), Contains((checkpoint / "trainer_state.json").string()));
  }
  SECTION("trainer_state.json without a field") {
    std::ofstream(checkpoint / "trainer_state.json") << "{\"global_step\": 1}";
    CHECK_THROWS_WITH(resume(), Contains((checkpoint / "trainer_state.json").string()) &&
                                    Contains("optimizer_step_count"));
  }
  SECTION("no optimizer.safetensors") {
    fs::remove(checkpoint / "optimizer.safetensors");
    CHECK_THROWS_WITH(resume(), Contains("optimizer.safetensors"));
  }
  SECTION("a checkpoint of another model") {
    nn::Linear wider(1, 3);
    finetune::Trainer trainer(wider, small_args(dir.path / "wider", 2), 8, [&](const std::vector<int64_t>& rows) {
      return finetune::StepOutput{mean(wider.forward(Tensor::from_vector(std::vector<float>(rows.size(), 1.0f),
                                                                        {static_cast<int64_t>(rows.size()), 1}))),
                                  2};
    });
    CHECK_THROWS_WITH(trainer.train(checkpoint), Contains("model.safetensors") && Contains("weight"));
  }
}
