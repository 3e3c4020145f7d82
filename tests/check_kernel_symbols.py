#!/usr/bin/env python3
"""gemm's kernel files share no code with the rest of the program.

    check_kernel_symbols.py LIBBERTLAB_TENSOR_A

Each gemm_<kernel>.cpp is compiled for its own instruction set (tensor/kernels/gemm_blocked.h).
A function it defines with external linkage that another file also defines (an inline helper, a
template instantiated for the same types, a std::vector's members) is merged by the linker into
one copy for the whole program, perhaps the AVX-512 one, and an AVX2 CPU calling it stops on an
illegal instruction. This was found once (a transpose helper instantiated by the avx2 and the
avx512_256 kernels alike); the check reads the symbols each kernel's object file defines and
allows only its own entry point, bertlab::kernels::gemm_variant_<kernel>().
"""
import subprocess
import sys

KERNELS = ("gemm_baseline", "gemm_avx2", "gemm_avx512_256", "gemm_avx512")
listing = subprocess.run(["nm", "-C", "--defined-only", sys.argv[1]], capture_output=True, text=True, check=True).stdout
member, found, bad = None, set(), []
for line in listing.splitlines():
    if line.endswith(".cpp.o:"):
        member = line.removesuffix(".cpp.o:")
        if member in KERNELS:
            found.add(member)
        continue
    if member not in KERNELS:
        continue
    parts = line.split(maxsplit=2)
    if len(parts) < 3:
        continue
    kind, name = parts[1], parts[2]
    # Lower-case kinds are local to the file; V/W are weak (merged), the others global.
    if kind.islower() or name == "DW.ref.__gxx_personality_v0":
        continue
    if name != f"bertlab::kernels::gemm_variant_{member.removeprefix('gemm_')}()":
        bad.append(f"{member}: {kind} {name}")
for entry in bad:
    print(f"shared symbol in a kernel file (the linker may give another CPU's copy to everyone): {entry}")
if "gemm_baseline" not in found:  # the one kernel every build has: its absence means nothing was read
    bad.append("gemm_baseline.cpp.o not found in the library")
    print(bad[-1])
print(f"kernel files checked: {', '.join(sorted(found))}; {len(bad)} problems")
sys.exit(1 if bad else 0)
