#!/usr/bin/env bash
# Set up everything the course needs, idempotently: a virtual environment in .venv with the
# pinned packages and the helpers package (editable), plus Debian's offline datasets where
# apt is available and we are root. Safe to run again: it skips what is already done.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3}
# One venv per interpreter, named as the Makefile names it: .venv for python3, .venv-3.13 for python3.13.
pyname=$(basename "$PYTHON"); pyname=${pyname#python}
case "$pyname" in ""|3) default_venv=.venv ;; *) default_venv=.venv-$pyname ;; esac
VENV=${VENV:-$default_venv}

# pyenv's shims answer only for the versions selected in pyenv: for PYTHON=python3.X that is not
# runnable, take pyenv's installed 3.X (the newest patch release) instead.
if ! "$PYTHON" -c pass 2>/dev/null && [[ "$PYTHON" == python3.* ]]; then
  for p in "${PYENV_ROOT:-$HOME/.pyenv}"/versions/"${PYTHON#python}".*/bin/"$PYTHON"; do
    [ -x "$p" ] && found=$p
  done
  if [ -n "${found:-}" ]; then
    echo "setup: $PYTHON does not run from PATH (a pyenv shim for an unselected version?); using $found"
    PYTHON=$found
  fi
fi

# The oldest supported Python: pyproject.toml's requires-python (the pins need it).
floor=$(sed -n 's/^requires-python = ">=\(3\.[0-9]*\)".*/\1/p' pyproject.toml)
[ -n "$floor" ] || { echo "setup: pyproject.toml has no requires-python = \">=3.N\"" >&2; exit 1; }
if ! "$PYTHON" -c "import sys; sys.exit(sys.version_info < (3, ${floor#3.}))" 2>/dev/null; then
  echo "setup: $PYTHON is missing or older than $floor; install Python $floor or newer, or run PYTHON=python$floor make ..." >&2
  exit 1
fi

if [ ! -x "$VENV/bin/python" ]; then
  echo "setup: creating $VENV"
  "$PYTHON" -m venv "$VENV"
fi
pyver() { "$1" -c 'import sys; print("%d.%d" % sys.version_info[:2])'; }
if [ "$(pyver "$VENV/bin/python")" != "$(pyver "$PYTHON")" ]; then
  echo "setup: $VENV holds Python $(pyver "$VENV/bin/python"), not $PYTHON's $(pyver "$PYTHON"): remove $VENV or set VENV=..." >&2
  exit 1
fi

stamp="$VENV/.course-setup.sha256"
want=$(cat requirements.txt requirements.lock requirements-dev.txt requirements-dev.lock pyproject.toml | sha256sum | cut -d' ' -f1)
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  echo "setup: installing pinned packages from requirements-dev.txt (the notebooks' requirements.txt plus tests, site, lint) at requirements-dev.lock's versions (first time: a few minutes)"
  # (pip on the course machines warns about every missing local index folder: hide those lines only)
  { "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt -c requirements-dev.lock &&
    "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --no-deps -e .; } 2>&1 |
    { grep -v "is ignored: it is neither a file nor a directory" || true; }
  echo "$want" > "$stamp"
else
  echo "setup: packages up to date ($VENV)"
fi

# From Debian: Fashion-MNIST offline (notebooks 05, 07-09), WordNet 3.0 (tests/test_tagging.py rebuilds
# data/imagenet_coarse_tags.csv from it) and Chromium (tests/test_site.py reads the course site in it).
# Optional: without them the loaders download instead, and those tests are skipped with the reason.
need=()
[ -d /usr/share/datasets/fashion-mnist ] || need+=(dataset-fashion-mnist)
[ -d /usr/share/wordnet ] || need+=(wordnet-base)
command -v chromium >/dev/null 2>&1 || need+=(chromium)
if [ ${#need[@]} -gt 0 ]; then
  if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
    echo "setup: installing Debian packages ${need[*]}"
    if ! { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null; }; then
      echo "setup: warning: could not install ${need[*]}; the loaders will try to download instead" >&2
    fi
  else
    echo "setup: note: ${need[*]} not installed (needs apt as root); the loaders will download instead"
  fi
fi
echo "setup: done"
