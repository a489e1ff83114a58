#!/usr/bin/env bash
# System packages the tests and benchmarks need: `make sysdeps` (run by `make test` and
# `make bench`). Idempotent: each entry is checked first and installed only when missing;
# `apt-get update` runs only when something is. Tests never install anything themselves: a
# test whose tool is missing fails with "run make sysdeps".
#
# To add a package, append one line to PACKAGES: "name|check|debian packages", where check is a
# shell command that succeeds when the tool is there.
set -euo pipefail

PACKAGES=(
  # browser tests (tests/test_browser.py) and the app bench (benchmarks/app.py)
  "chromium|command -v chromium|chromium"
  # export layout tests (tests/test_export.py: .docx -> PDF) and the CJK font they measure with
  "LibreOffice|command -v soffice || command -v libreoffice|libreoffice-writer"
  "中文字体|fc-list :lang=zh family 2>/dev/null | grep -q .|fonts-noto-cjk fontconfig"
  # session store on PostgreSQL (tests/postgres.py: pg_ctl run as the postgres user)
  "PostgreSQL|ls /usr/lib/postgresql/*/bin/pg_ctl || command -v pg_ctl|postgresql"
  # Chroma behind a token-checking reverse proxy (tests/test_index_server.py)
  "nginx|command -v nginx || test -x /usr/sbin/nginx|nginx"
  # add more here, one line each
)

missing=()
names=()
scan() {
  missing=()
  names=()
  for entry in "${PACKAGES[@]}"; do
    IFS='|' read -r name check pkgs <<<"$entry"
    if bash -c "$check" >/dev/null 2>&1; then
      continue
    fi
    names+=("$name")
    read -r -a words <<<"$pkgs"
    missing+=("${words[@]}")
  done
}
scan

if [ ${#missing[@]} -eq 0 ]; then
  echo "系统依赖齐全（${#PACKAGES[@]} 项），跳过安装"
  exit 0
fi

echo "缺少：${names[*]}；安装 ${missing[*]}"
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then
    SUDO=(sudo)
  else
    echo "需要 root 权限安装：apt-get install ${missing[*]}" >&2
    exit 1
  fi
else
  SUDO=()
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "没有 apt-get：请用本系统的包管理器安装 ${missing[*]}" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
lock=(-o DPkg::Lock::Timeout=600)  # another apt run may hold the lock for a while
"${SUDO[@]}" apt-get "${lock[@]}" update -q
"${SUDO[@]}" apt-get "${lock[@]}" install -y -q --no-install-recommends "${missing[@]}"
scan
if [ ${#missing[@]} -ne 0 ]; then
  echo "安装后仍缺少：${names[*]}" >&2
  exit 1
fi
echo "系统依赖已安装"
