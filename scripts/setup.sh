#!/usr/bin/env bash
# Installs what the product and its tests need and is missing on this machine.
#   scripts/setup.sh run    PostgreSQL server, web app dependencies and build
#   scripts/setup.sh test   the same plus Chromium for the browser tests
# Debian packages come from apt (root needed only when something is missing);
# the web app's packages from the npm registry, pinned by web/package-lock.json.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
mode=${1:-run}

missing=()
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql)
# The PDF reports embed a CJK TrueType font (go-pdf/fpdf reads no OpenType
# collections, which is what fonts-noto-cjk ships).
[ -f /usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf ] || missing+=(fonts-droid-fallback)
# Certificate recognition (gateway/ocr): tesseract with Chinese and English,
# and poppler's pdftotext/pdfimages/pdftoppm for PDFs (the browser tests
# also render exported PDFs with pdftoppm).
command -v tesseract >/dev/null 2>&1 || missing+=(tesseract-ocr)
[ -n "$(ls /usr/share/tesseract-ocr/*/tessdata/chi_sim.traineddata 2>/dev/null)" ] || missing+=(tesseract-ocr-chi-sim)
[ -n "$(ls /usr/share/tesseract-ocr/*/tessdata/eng.traineddata 2>/dev/null)" ] || missing+=(tesseract-ocr-eng)
command -v pdftoppm >/dev/null 2>&1 || missing+=(poppler-utils)
# Password hashing (gateway/accounts) calls libsodium's argon2id through
# cgo: gcc and libsodium's headers to build, libsodium23 to run.
command -v gcc >/dev/null 2>&1 || missing+=(gcc)
[ -f /usr/include/sodium.h ] || missing+=(libsodium-dev)
if [ "$mode" = test ]; then
  command -v chromium >/dev/null 2>&1 || missing+=(chromium)
  [ -d /usr/share/fonts/opentype/noto ] || missing+=(fonts-noto-cjk)
  # The OCR corpus generator draws Latin text in DejaVu.
  [ -d /usr/share/fonts/truetype/dejavu ] || missing+=(fonts-dejavu-core)
  # deploy/systemd's test has systemd-analyze check the deployment's units.
  command -v systemd-analyze >/dev/null 2>&1 || missing+=(systemd)
fi
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ]; then
    echo "setup: missing Debian packages: ${missing[*]} (run as root, or apt-get install them)" >&2
    exit 1
  fi
  echo "setup: installing ${missing[*]}" >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

for tool in go node npm; do
  command -v "$tool" >/dev/null 2>&1 || { echo "setup: $tool is required" >&2; exit 1; }
done

cd "$root/web"
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund --loglevel=error
fi
# Rebuild the SPA only when a source is newer than the last build.
if [ ! -f dist/index.html ] || [ -n "$(find src index.html package-lock.json vite.config.* -newer dist/index.html 2>/dev/null | head -n 1)" ]; then
  npm run build --silent
fi
