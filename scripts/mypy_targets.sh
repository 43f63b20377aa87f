#!/usr/bin/env bash
# The business layer mypy checks in `make test`: every services, selectors, rules, standards and access
# module (or package) of every app.
cd "$(dirname "$0")/.."
find . -path ./.venv -prune -o -path ./node_modules -prune -o \
  \( -name services -o -name selectors -o -name 'services.py' -o -name 'selectors.py' -o -name 'rules.py' \
     -o -name 'standards.py' -o -name 'access.py' -o -name 'roles.py' -o -name 'errors.py' -o -name 'months.py' \
     -o -name 'locks.py' -o -name 'error_codes.py' \) -print | grep -v '/tests/' | grep -v '^\./\.venv' | sort
