// libFuzzer target for TSV/CSV classification data (finetune::read_classification_file): any
// bytes must give either a dataset or a bertlab::Error, never a crash, another exception or a
// sanitizer report. A dataset read once is read again with its own label names, as an
// evaluation file is read with the training file's.
//
//   cmake --build build-fuzz -j2 --target fuzz_classification_data
//   mkdir -p /tmp/cls-corpus && ./build-fuzz/fuzz/fuzz_classification_data -write_seeds=/tmp/cls-corpus
//   ./build-fuzz/fuzz/fuzz_classification_data -runs=1000000 /tmp/cls-corpus
//
// The first byte chooses the format (bit 0: .csv or .tsv) and the columns (bits 1-2: the four
// ways GLUE's files are named, below); the rest is the file.
#include <cstdint>
#include <fstream>
#include <string>
#include <string_view>

#include "finetune/classification_data.h"  // defines: read_classification_file, ClassificationColumns
#include "fuzz/temp_file.h"                // defines: write_temp_file
#include "fuzz/write_seeds.h"              // defines: write_seeds_if_asked
#include "tensor/error.h"                  // defines: Error

using namespace bertlab;
using finetune::ClassificationColumns;

namespace {

const ClassificationColumns kColumns[] = {
    {.text = "sentence", .label = "label"},                                         // SST-2: a header
    {.text = "3", .label = "1"},                                                    // CoLA: no header
    {.text = "sentence1", .text_pair = "sentence2", .label = "label"},              // pairs by name
    {.text = "0", .text_pair = "1", .label = "2", .has_header = true},              // a header, used by index
};

// Seeds: an SST-2 TSV, a CoLA TSV and a quoted pair CSV, each with its first byte.
void write_seeds(const std::string& dir) {
  std::ofstream(dir + "/sst2.tsv") << '\x00' << "sentence\tlabel\nit 's good\t1\nbad .\t0\n";
  std::ofstream(dir + "/cola.tsv") << '\x02' << "gj04\t1\t\tOur friends won't buy this.\nx\t0\t*\tThey drank the pub.\n";
  std::ofstream(dir + "/pairs.csv") << '\x05'
                                    << "\xEF\xBB\xBFsentence1,sentence2,label\r\n\"a, \"\"b\"\"\",c,yes\r\nd,e,no\r\n";
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int* argc, char*** argv) {
  write_seeds_if_asked(*argc, *argv, write_seeds);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  const ClassificationColumns& columns = kColumns[(data[0] >> 1) % 4];
  const auto path = write_temp_file(std::string_view(reinterpret_cast<const char*>(data) + 1, size - 1),
                                    data[0] & 1 ? ".csv" : ".tsv");
  try {
    const finetune::ClassificationDataset train = finetune::read_classification_file(path, columns);
    finetune::read_classification_file(path, columns, train.label_names);
  } catch (const Error&) {
  }
  return 0;
}
