#!/usr/bin/env sh
# Print the path of a Python 3.12 or newer, or fail with a message saying how to get one.
for candidate in "${PYTHON:-}" python3.13 python3.12 python3.14 python3; do
  [ -n "$candidate" ] || continue
  path=$(command -v "$candidate" 2>/dev/null) || continue
  if "$path" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' 2>/dev/null; then
    echo "$path"; exit 0
  fi
done
# pyenv installs that are not on PATH.
for path in "$HOME"/.pyenv/versions/3.1[2-9]*/bin/python3 /usr/local/bin/python3.1[2-9]; do
  if [ -x "$path" ] && "$path" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' 2>/dev/null; then
    echo "$path"; exit 0
  fi
done
echo "Cairn needs Python 3.12 or newer. Install it (for example 'apt-get install python3.12' or pyenv) or set PYTHON=/path/to/python3.12." >&2
exit 1
