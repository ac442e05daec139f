#!/usr/bin/env bash
# Prints the path of a Python 3.12+ interpreter, or explains what to install and exits 1.
set -u
ok() { "$1" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' 2>/dev/null; }
candidates=()
if command -v pyenv >/dev/null 2>&1; then
  p=$(pyenv which python 2>/dev/null) && candidates+=("$p")
fi
for v in 3.14 3.13 3.12; do
  for d in "$HOME"/.pyenv/versions/"$v"*/bin/python; do [ -x "$d" ] && candidates+=("$d"); done
  command -v "python$v" >/dev/null 2>&1 && candidates+=("$(command -v "python$v")")
done
command -v python3 >/dev/null 2>&1 && candidates+=("$(command -v python3)")
for c in "${candidates[@]}"; do
  if ok "$c"; then echo "$c"; exit 0; fi
done
cat >&2 <<'MSG'
KPO Advisor needs Python 3.12 or newer (3.13 recommended), and none was found.
Install one of these, then run the command again:
  - pyenv:   pyenv install 3.13   (the repo's .python-version selects it)
  - Debian:  apt-get install python3.13 python3.13-venv
  - or set PYTHON=/path/to/python3.13 when calling make.
MSG
exit 1
