#!/usr/bin/env bash
# `make rasa-install`: Rasa Open Source in a venv of its own. Rasa 3.6 needs Python
# 3.8-3.10 and pins SQLAlchemy 1.4, which the assistant (Python 3.11, SQLAlchemy 2) cannot
# share. The venv lives in $RASA_HOME (default ~/.cache/meet2know/rasa), outside the
# checkout, so every clone on this machine reuses it; installing again is a no-op.
set -euo pipefail

RASA_VERSION=3.6.21
RASA_HOME="${RASA_HOME:-$HOME/.cache/meet2know/rasa}"
VENV="$RASA_HOME/venv-$RASA_VERSION"
STAMP="$VENV/.installed"

find_python310() {
    if command -v pyenv >/dev/null 2>&1; then
        local version
        version="$(pyenv versions --bare 2>/dev/null | grep -E '^3\.10(\.[0-9]+)?$' | sort -V | tail -n 1 || true)"
        if [ -n "$version" ] && [ -x "$(pyenv root)/versions/$version/bin/python3.10" ]; then
            echo "$(pyenv root)/versions/$version/bin/python3.10"
            return
        fi
    fi
    if command -v python3.10 >/dev/null 2>&1 && python3.10 -c 'import venv, ensurepip' >/dev/null 2>&1; then
        command -v python3.10
        return
    fi
    echo "Rasa $RASA_VERSION needs Python 3.10 and none was found: install it with pyenv" \
         "('pyenv install 3.10') or the system's packages (python3.10 python3.10-venv)." >&2
    exit 1
}

if [ -f "$STAMP" ]; then
    exit 0
fi
PYTHON="$(find_python310)"
echo "installing rasa $RASA_VERSION with $PYTHON into $VENV (a few minutes, about 3 GB)"
mkdir -p "$RASA_HOME"
rm -rf "$VENV"
"$PYTHON" -m venv "$VENV"
# pip's warnings about the machine's extra package indexes are noise here.
"$VENV/bin/python" -m pip install --quiet --upgrade "pip<24.1" 2> >(grep -v '^WARNING: Location' >&2)
"$VENV/bin/python" -m pip install --quiet "rasa==$RASA_VERSION" 2> >(grep -v '^WARNING: Location' >&2)
"$VENV/bin/rasa" --version >/dev/null 2>&1 || { echo "rasa does not start in $VENV" >&2; exit 1; }
touch "$STAMP"   # only a complete install is marked: an interrupted one starts again
echo "rasa $RASA_VERSION installed in $VENV"
