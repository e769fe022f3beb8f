#!/usr/bin/env bash
# Make sure the system tools the tests need are present: Debian's chromium (driven by Playwright) and a
# PostgreSQL server (initdb, pg_ctl). As root on Debian they are installed with apt; otherwise this says
# exactly what to install and stops.
set -euo pipefail

missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
if ! ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1 && ! command -v pg_ctl >/dev/null 2>&1; then
  missing+=(postgresql)
fi
# WeasyPrint (documents) needs Pango; fonts make screenshots legible.
dpkg -s libpango-1.0-0 >/dev/null 2>&1 || missing+=(libpango-1.0-0)
dpkg -s fonts-dejavu-core >/dev/null 2>&1 || missing+=(fonts-dejavu-core)

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installation des paquets Debian nécessaires aux tests : ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  echo "Paquets manquants pour les tests : ${missing[*]}" >&2
  echo "Installez-les avec : sudo apt-get install ${missing[*]}" >&2
  exit 1
fi
