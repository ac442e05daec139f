#!/usr/bin/env bash
# Runs the pytest suite. Browser tests run when a Chromium is found; otherwise they are skipped, loudly.
set -u
cd "$(dirname "$0")/.."
chromium=${KPO_CHROMIUM:-}
if [ -z "$chromium" ]; then
  for c in /usr/bin/chromium /usr/bin/chromium-browser; do [ -x "$c" ] && chromium=$c && break; done
fi
if [ -n "$chromium" ]; then
  export KPO_CHROMIUM="$chromium"
  echo "Browser tests: using $chromium"
  # The accessibility checks inject axe-core and the HTML checks run vnu-jar (Java), pinned devDependencies
  # from the npm registry (package.json).
  if [ ! -f node_modules/axe-core/axe.min.js ] || [ ! -f node_modules/vnu-jar/build/dist/vnu.jar ]; then
    if command -v npm >/dev/null 2>&1; then
      echo "Installing the browser tests' Node packages (npm ci)"
      npm ci --no-audit --no-fund --loglevel=error || echo "WARNING: npm ci failed; the accessibility tests will fail"
    else
      echo "WARNING: npm is not installed, so axe-core is missing; the accessibility tests will fail"
    fi
  fi
else
  echo "############################################################"
  echo "# WARNING: no Chromium found: the browser tests are SKIPPED."
  echo "# Install it with: apt-get install -y chromium"
  echo "############################################################"
fi
# Three worker processes (pytest-xdist) on the two cores of the machine the suite's time is measured on: much of
# a browser or server test is spent waiting (on Chromium, a live server, a subprocess), and a third worker fills
# that time. Measured on the same idle machine at one commit: 632 s with two workers, 413 s with three. A fourth
# does not pay: on fresh clones of one commit, one run after the other on an idle machine (2026-12-03), 532 s with
# four against 451 s with three, and 12.3 against 10.2 min of user CPU. Each has
# its own test database, reference data and live server. Each file's tests run on one worker, one after the
# other (--dist loadfile), so a module-wide fixture (the production-like app servers of tests/scaling and
# tests/security/test_faults.py) is built once. (xdist's --dist loadgroup no longer groups anything under
# pytest 9.2, whose node ids it cannot rename.) Files go out in the order tests/conftest.py sorts them, the
# longest first (--no-loadscope-reorder: xdist would otherwise hand out the files with the most tests first,
# leaving the browser and server files for the end). KPO_TEST_WORKERS=0 runs everything in this process.
# Bytecode. A machine that sets PYTHONDONTWRITEBYTECODE (this one does) had every process compile every module it
# imported, and each worker rewrite the asserts of every test module as it collected them: a collection took 25.7 s
# of CPU with no cache and 7.5 s with one (measured 2026-12-07). The run writes bytecode (to the git-ignored
# __pycache__ folders), and before the workers start, the product's modules are compiled and the test modules'
# asserts rewritten once, in two processes, one per core. The rewriting imports nothing of Django (no conftest, no
# plugin), so the test modules' imports fail there, unreported (--tb=no), and are left to the workers.
unset PYTHONDONTWRITEBYTECODE
if [ "${KPO_TEST_WORKERS:-3}" != 0 ] && ! printf '%s\n' "$@" | grep -q '^tests'; then
  mapfile -t modules < <(find tests -name 'test_*.py' -not -path '*/__pycache__/*' | sort)
  rewrite() { .venv/bin/python -m pytest --collect-only -q --tb=no -p no:django -p no:randomly -p no:xdist --noconftest "$@" >/dev/null 2>&1; }
  rewrite "${modules[@]:0:${#modules[@]}/2}" & first=$!
  { .venv/bin/python -m compileall -q apps kpo_advisor loadtest >/dev/null; rewrite "${modules[@]:${#modules[@]}/2}"; }
  wait $first
fi
.venv/bin/python -m pytest -n "${KPO_TEST_WORKERS:-3}" --dist loadfile --no-loadscope-reorder "$@"
rc=$?
if [ "$rc" = 5 ]; then echo "pytest collected no tests"; fi
exit $rc
