#!/usr/bin/env python3
"""Writes tests/fixtures/torch-bin/: PyTorch checkpoints (.bin, torch.save's zip + pickle) next to
their safetensors twins, for tests/tensor/test_torch_file.cpp.

    ~/.cache/bertlab/golden-venv/bin/python tests/golden/make_torch_bin.py [--out DIR]

    tiny-mlm/config.json, model.safetensors, pytorch_model.bin
        a tiny BertForMaskedLM saved by transformers' save_pretrained twice: safe_serialization=True
        and False (the .bin that hub repos without safetensors have)
    state_dict.bin
        torch.save(model.state_dict()) of the same model: an OrderedDict with _metadata (BUILD), and
        the tied cls.predictions.decoder.weight sharing the word embeddings' storage
    dtypes.bin, dtypes.safetensors
        F32, F16, BF16, F64, I64 and I32 tensors; views of one storage (a row at storage_offset 4,
        a transpose that is not contiguous, the whole); a 0-d scalar and an empty [0, 3]. The
        safetensors twin holds each tensor as a contiguous copy (safetensors shares no storage)
    dtypes-legacy.bin
        the same tensors in the legacy format of PyTorch < 1.6 (_use_new_zipfile_serialization=False).
        Its storage keys are memory addresses, so this one file changes on every run; the others
        are byte-identical when rerun with the pinned versions
"""
import argparse
import json
import os
import shutil
import tempfile

import torch

torch.set_num_threads(1)
torch.use_deterministic_algorithms(True)

import safetensors.torch  # noqa: E402
import transformers  # noqa: E402
from transformers import BertConfig, BertForMaskedLM  # noqa: E402

transformers.logging.set_verbosity_error()
HERE = os.path.dirname(os.path.abspath(__file__))
SEED = 20240611


def tiny_mlm():
    torch.manual_seed(SEED)
    config = BertConfig(vocab_size=24, hidden_size=8, num_hidden_layers=1, num_attention_heads=2,
                        intermediate_size=16, max_position_embeddings=16, type_vocab_size=2)
    return BertForMaskedLM(config).eval()


def dtype_tensors():
    torch.manual_seed(SEED + 1)
    base = torch.randn(3, 4)
    return {
        "f32": torch.randn(2, 3),
        "f16": torch.randn(2, 3).half(),
        "bf16": torch.randn(5).bfloat16(),
        "f64": torch.randn(2, 2, dtype=torch.float64),
        "i64": torch.tensor([101, -7, 2**40], dtype=torch.int64),
        "i32": torch.tensor([[1, -2], [3, 2**30]], dtype=torch.int32),
        "base": base,               # storage s, offset 0
        "base.row1": base[1],       # the same storage, storage_offset 4
        "base.t": base.t(),         # the same storage, stride (1, 4): not contiguous
        "scalar": torch.tensor(3.5),
        "empty": torch.zeros(0, 3),
    }


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", default=os.path.join(HERE, "..", "fixtures", "torch-bin"))
    out = parser.parse_args().out
    os.makedirs(os.path.join(out, "tiny-mlm"), exist_ok=True)
    model = tiny_mlm()
    with tempfile.TemporaryDirectory() as tmp:
        model.save_pretrained(os.path.join(tmp, "safe"), safe_serialization=True)
        model.save_pretrained(os.path.join(tmp, "bin"), safe_serialization=False)
        for folder, name in [("safe", "config.json"), ("safe", "model.safetensors"), ("bin", "pytorch_model.bin")]:
            shutil.copy(os.path.join(tmp, folder, name), os.path.join(out, "tiny-mlm", name))
    state = model.state_dict()
    assert state["cls.predictions.decoder.weight"].data_ptr() == state["bert.embeddings.word_embeddings.weight"].data_ptr()
    torch.save(state, os.path.join(out, "state_dict.bin"))
    tensors = dtype_tensors()
    torch.save(tensors, os.path.join(out, "dtypes.bin"))
    torch.save(tensors, os.path.join(out, "dtypes-legacy.bin"), _use_new_zipfile_serialization=False)
    safetensors.torch.save_file({k: v.contiguous().clone() for k, v in tensors.items()},
                                os.path.join(out, "dtypes.safetensors"), metadata={"format": "pt"})
    with open(os.path.join(out, "README.md"), "w") as f:
        f.write("# torch-bin: PyTorch .bin checkpoints and their safetensors twins\n\n"
                "Made by `tests/golden/make_torch_bin.py` (torch {}, transformers {}); do not edit by hand. "
                "See that script's docstring for what each file holds.\n".format(torch.__version__.split("+")[0],
                                                                              transformers.__version__))


if __name__ == "__main__":
    main()
