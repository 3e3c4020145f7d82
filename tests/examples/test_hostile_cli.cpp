// The command line against hostile inputs (issue 15): a learning rate that blows training up, a
// full disk, an output folder that holds another run, a model whose weights hold NaN, data whose
// answers do not match their context, and numbers out of range. Each must end in one clear error
// line and a non-zero exit, or a warning that names what is wrong, never in silently wrong results.
// The model is the tiny-bert fixture (hidden 32, bert-base-uncased's vocab, 64 positions).
#include <fmt/format.h>

#include <catch2/catch.hpp>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "tensor/safetensors.h"          // defines: SafetensorsFile, SafetensorsWriter
#include "tests/support/fixtures.h"      // defines: fixture
#include "tests/support/run_bertlab.h"   // defines: run_bertlab, Run
#include "tests/tokenizer/tiny_vocab.h"  // defines: ScratchDir

using namespace bertlab;
using Catch::Matchers::Contains;
using testing::run_bertlab;
namespace fs = std::filesystem;

namespace {

// "sentence<TAB>label" rows: label 1 when the sentence mentions a ball.
std::string sentences_tsv(int rows) {
  std::string tsv = "sentence\tlabel\n";
  for (int i = 0; i < rows; ++i) tsv += i % 2 ? "the dog plays with a ball\t1\n" : "the cat sleeps on the mat\t0\n";
  return tsv;
}

// finetune-cls on the tiny fixture with batches of 4; `extra` adds the options (CLI11 refuses an
// option given twice, so there are no defaults to override).
std::string finetune_cls(const fs::path& model, const fs::path& data, const fs::path& output, const std::string& extra) {
  return fmt::format(R"(finetune-cls --model "{}" --train "{}" --eval "{}" --output "{}" --batch-size 4 {})",
                     model.string(), data.string(), data.string(), output.string(), extra);
}

// The error is one line, the last thing printed (loading may print transformers' warnings before it).
bool one_error_line(const std::string& err) {
  const size_t at = err.rfind("error: ");
  return at != std::string::npos && (at == 0 || err[at - 1] == '\n') && err.find('\n', at) == err.size() - 1;
}

// Every tensor of a safetensors file is finite.
bool all_finite(const fs::path& file) {
  const SafetensorsFile f = SafetensorsFile::open(file);
  for (const std::string& name : f.names()) {
    const Tensor t = f.tensor(name);
    if (!std::all_of(t.data(), t.data() + t.numel(), [](float v) { return std::isfinite(v); })) return false;
  }
  return true;
}

}  // namespace

TEST_CASE("bertlab finetune-cls: --lr 1e30 stops at the step that goes non-finite and saves no model",
          "[finetune][cli]") {
  const auto model = bertlab::testing::fixture("models/tiny-bert");
  if (!model) return;
  testing::ScratchDir dir("cli_lr_1e30");
  const fs::path data = dir.write("train.tsv", sentences_tsv(16)), out = dir.path / "out";
  const auto run = run_bertlab(finetune_cls(*model, data, out, "--steps 6 --max-length 16 --lr 1e30 --save-every 1"));
  INFO(run.err);
  CHECK(run.exit_code == 1);
  CHECK_THAT(run.err, Contains("error: Trainer: step ") && Contains("training stopped"));
  CHECK_FALSE(fs::exists(out / "model.safetensors"));  // no final model, no accuracy printed
  CHECK_THAT(run.out, !Contains("eval_accuracy"));
  for (const auto& entry : fs::directory_iterator(out))  // whatever was published is finite
    if (entry.path().filename().string().rfind("checkpoint-", 0) == 0) CHECK(all_finite(entry.path() / "model.safetensors"));
}

TEST_CASE("bertlab finetune-cls: nonsensical hyper-parameters are one-line errors before step 1", "[finetune][cli]") {
  const auto model = bertlab::testing::fixture("models/tiny-bert");
  if (!model) return;
  testing::ScratchDir dir("cli_bad_args");
  const fs::path data = dir.write("train.tsv", sentences_tsv(8));
  for (auto [option, field] : {std::pair{"--lr -1", "learning_rate"},
                               {"--lr nan", "learning_rate"},
                               {"--warmup-ratio 1.5", "warmup_ratio"},
                               {"--warmup-ratio -0.5", "warmup_ratio"},
                               {"--lora \"\"", "--lora"}}) {
    CAPTURE(option);
    const auto run = run_bertlab(finetune_cls(*model, data, dir.path / "out", "--max-length 16 " + std::string(option)));
    CHECK(run.exit_code == 1);
    CHECK_THAT(run.err, Contains(field));
    CHECK(one_error_line(run.err));
    CHECK_FALSE(fs::exists(dir.path / "out" / "history.jsonl"));  // refused before training began
  }
}

TEST_CASE("bertlab finetune-cls: --output holding another run needs --overwrite-output-dir", "[finetune][cli]") {
  const auto model = bertlab::testing::fixture("models/tiny-bert");
  if (!model) return;
  testing::ScratchDir dir("cli_output_dir");
  const fs::path data = dir.write("train.tsv", sentences_tsv(8)), out = dir.path / "out";
  REQUIRE(run_bertlab(finetune_cls(*model, data, out, "--steps 2 --max-length 16")).exit_code == 0);
  const auto again = run_bertlab(finetune_cls(*model, data, out, "--steps 1 --max-length 16"));
  CHECK(again.exit_code == 1);
  CHECK_THAT(again.err, Contains("already holds another run") && Contains("--overwrite-output-dir"));
  CHECK(fs::exists(out / "checkpoint-2"));
  const auto overwrite = run_bertlab(finetune_cls(*model, data, out, "--steps 1 --max-length 16 --overwrite-output-dir"));
  INFO(overwrite.err);
  CHECK(overwrite.exit_code == 0);
  CHECK(fs::exists(out / "checkpoint-1"));
  CHECK_FALSE(fs::exists(out / "checkpoint-2"));
}

TEST_CASE("bertlab finetune-cls: a full disk publishes no checkpoint (ENOSPC on trainer_state.json)",
          "[finetune][cli]") {
  const auto model = bertlab::testing::fixture("models/tiny-bert");
  if (!model) return;
  if (std::system("unshare -rm true 2>/dev/null") != 0) {
    testing::skip_or_fail("cannot mount a tmpfs here (unshare -rm failed)");
    return;
  }
  testing::ScratchDir dir("cli_enospc");
  const fs::path data = dir.write("train.tsv", sentences_tsv(8)), ok = dir.path / "ok", full = dir.path / "full";
  // A run on a real disk says how many 4 KiB pages history.jsonl and the two safetensors files
  // take; a tmpfs of exactly that many pages then runs out at the next file, trainer_state.json.
  REQUIRE(run_bertlab(finetune_cls(*model, data, ok, "--steps 1 --max-length 16")).exit_code == 0);
  auto pages = [](const fs::path& file) { return (fs::file_size(file) + 4095) / 4096; };
  const auto size = 4096 * (pages(ok / "history.jsonl") + pages(ok / "checkpoint-1" / "model.safetensors") +
                            pages(ok / "checkpoint-1" / "optimizer.safetensors"));
  fs::create_directories(full);
  // In its own mount namespace: mount, run bertlab, then list what it left (on stderr, after it).
  const auto run = run_bertlab(
      finetune_cls(*model, data, full, "--steps 1 --max-length 16"),
      fmt::format(R"(unshare -rm sh -c 'mount -t tmpfs -o size={} tmpfs "{}" && "$0" "$@"; s=$?; ls -A "{}" >&2; exit $s')",
                  size, full.string(), full.string()));
  INFO(run.err);
  CHECK(run.exit_code == 1);
  CHECK_THAT(run.err, Contains("trainer_state.json") && Contains("No space left on device"));
  CHECK_THAT(run.err, Contains("\nhistory.jsonl"));  // the listing: the run's history is there,
  CHECK_THAT(run.err, !Contains("\ncheckpoint-1"));  // its checkpoint neither published nor left as .tmp
}

namespace {
// A copy of the tiny fixture whose one weight is NaN, as a damaged download would have it.
fs::path poisoned_copy(const fs::path& model, const fs::path& folder, const std::string& poisoned) {
  fs::create_directories(folder);
  for (const char* file : {"config.json", "vocab.txt", "tokenizer_config.json"})
    fs::copy_file(model / file, folder / file, fs::copy_options::overwrite_existing);
  const SafetensorsFile weights = SafetensorsFile::open(model / "model.safetensors");
  SafetensorsWriter writer;
  for (const std::string& name : weights.names()) {
    Tensor t = weights.tensor(name).clone();
    if (name == poisoned) t.data()[5] = NAN;
    writer.add(name, t);
  }
  writer.save(folder / "model.safetensors");
  return folder;
}
}  // namespace

TEST_CASE("bertlab fill-mask, classify, qa: a model with a NaN weight names it and exits non-zero", "[cli]") {
  const auto model = bertlab::testing::fixture("models/tiny-bert");
  if (!model) return;
  testing::ScratchDir dir("cli_nan_model");
  const std::string weight = "bert.encoder.layer.0.attention.self.query.weight";
  const fs::path nan_model = poisoned_copy(*model, dir.path / "model", weight);
  for (const std::string command : {"fill-mask \"the [MASK] sat.\"", "classify \"a text\"", "qa \"who?\" \"ada did.\" --max-length 32 --doc-stride 8"}) {
    CAPTURE(command);
    const auto run = run_bertlab(fmt::format(R"({} --model "{}")", command, nan_model.string()));
    CHECK(run.exit_code == 1);
    CHECK_THAT(run.err, Contains("the first non-finite tensor is " + weight) &&
                            Contains("(module bert.encoder.layer.0.attention.self.query)"));
    CHECK_THAT(run.out, !Contains("nan"));
  }
}

TEST_CASE("bertlab fill-mask: a damaged model file is its own error, without the how-to-get-a-model hint", "[cli]") {
  const auto model = bertlab::testing::fixture("models/tiny-bert");
  if (!model) return;
  testing::ScratchDir dir("cli_damaged_model");
  const fs::path damaged = poisoned_copy(*model, dir.path / "model", "");
  fs::resize_file(damaged / "model.safetensors", 100);  // cut short, as an interrupted copy
  const auto run = run_bertlab(fmt::format(R"(fill-mask "the [MASK] sat." --model "{}")", damaged.string()));
  CHECK(run.exit_code == 1);
  CHECK_THAT(run.err, Contains("model.safetensors"));
  CHECK_THAT(run.err, !Contains("This needs a BERT checkpoint"));
  CHECK(one_error_line(run.err));
}

TEST_CASE("bertlab: --top-k 0 and --doc-stride -10 are one-line range errors", "[cli]") {
  const auto model = bertlab::testing::fixture("models/tiny-bert");
  if (!model) return;
  const auto top_k = run_bertlab(fmt::format(R"(fill-mask "the [MASK] sat." --model "{}" --top-k 0)", model->string()));
  CHECK(top_k.exit_code != 0);
  CHECK_THAT(top_k.err, Contains("--top-k") && Contains("not in range 1 to 1000000"));
  CHECK(top_k.err.size() < 200);  // not CLI11's 300-digit largest double
  const auto stride = run_bertlab(
      fmt::format(R"(qa "who?" "ada did." --model "{}" --max-length 32 --doc-stride -10)", model->string()));
  CHECK(stride.exit_code == 1);
  CHECK_THAT(stride.err, Contains("doc_stride: expected an integer in [0, max_length = 32), got -10"));
  CHECK(one_error_line(stride.err));
}

TEST_CASE("bertlab finetune-cls: a --max-length above max_position_embeddings is clamped before step 1",
          "[finetune][cli]") {
  const auto model = bertlab::testing::fixture("models/tiny-bert");
  if (!model) return;
  testing::ScratchDir dir("cli_max_length");
  std::string tsv = sentences_tsv(7);
  std::string long_text;  // 100 words: more tokens than the tiny model's 64 positions
  for (int i = 0; i < 100; ++i) long_text += "word ";
  const fs::path data = dir.write("train.tsv", tsv + long_text + "\t1\n");
  const auto run = run_bertlab(finetune_cls(*model, data, dir.path / "out", "--max-length 128 --steps 3"));
  INFO(run.err);
  CHECK(run.exit_code == 0);
  CHECK_THAT(run.err, Contains("note: --max-length 128 is more than the model's max_position_embeddings (64); using 64"));
}

TEST_CASE("bertlab finetune-qa: answers that do not match their context are counted, --strict refuses them",
          "[finetune][cli]") {
  const auto model = bertlab::testing::fixture("models/tiny-bert");
  if (!model) return;
  testing::ScratchDir dir("cli_squad_answers");
  const std::string context = "the color of the car is red .";
  nlohmann::json qas = nlohmann::json::array();
  for (auto [id, start] : {std::pair{"good", 24}, {"past", 999}, {"negative", -1}, {"shifted", 23}})
    qas.push_back({{"id", id}, {"question", "what color ?"}, {"answers", {{{"text", "red"}, {"answer_start", start}}}}});
  const nlohmann::json squad = {{"data", {{{"title", "t"}, {"paragraphs", {{{"context", context}, {"qas", qas}}}}}}}};
  const fs::path data = dir.write("squad.json", squad.dump());
  const std::string command = fmt::format(
      R"(finetune-qa --model "{}" --train "{}" --eval "{}" --output "{}" --steps 1 --batch-size 2 --max-length 32 )"
      R"(--doc-stride 8)",
      model->string(), data.string(), data.string(), (dir.path / "out").string());
  const auto warned = run_bertlab(command);
  INFO(warned.err);
  CHECK(warned.exit_code == 0);
  CHECK_THAT(warned.err, Contains("warning: " + data.string() + ": 3 of 4 answers do not match their context") &&
                             Contains("question \"past\""));
  const auto strict = run_bertlab(command + " --strict --overwrite-output-dir");
  CHECK(strict.exit_code == 1);
  CHECK_THAT(strict.err, Contains("error: " + data.string() + ": 3 of 4 answers do not match their context"));
  CHECK(one_error_line(strict.err));
}
