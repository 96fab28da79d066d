#!/bin/sh
# deps.sh run|test - make sure the Debian/Ubuntu packages that building (run)
# or testing (test) dlrig needs are installed: installs them with apt-get when
# we are root or may sudo without a password, else prints the exact command.
set -eu

want=${1:-run}
pkgs="meson ninja-build pkg-config gcc libc6-dev libjansson-dev libpci-dev libkmod-dev libexpat1-dev libexpat1 pci.ids python3 curl scdoc"
if [ "$want" = test ]; then
        pkgs="$pkgs libcmocka-dev clang pmccabe shellcheck graphviz python3-jsonschema cmark-gfm chromium man-db zsh fish"
        # tests/package/deb.sh: build the .deb, lint it, render its man page
        pkgs="$pkgs debhelper dpkg-dev lintian"
        # tests/golden/prometheus.sh: promtool (in Debian's prometheus package)
        pkgs="$pkgs prometheus"
        # tests/golden/ansible.sh: ansible-playbook (contrib/ansible)
        pkgs="$pkgs ansible-core"
        # tests/golden/slurm-real.sh: a one-node Slurm on loopback (dlrig health --slurm)
        pkgs="$pkgs slurmctld slurmd slurm-client munge"
        # tests/golden/prove.sh: dlrig prove's harness for real on the CPU (torch 1.13, gloo)
        pkgs="$pkgs python3-torch"
fi
# Best effort: libFuzzer's runtime has different names across releases.
optional="libclang-rt-dev"

missing=""
for p in $pkgs; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0

if ! command -v apt-get >/dev/null 2>&1; then
        echo "dlrig: missing build dependencies:$missing" >&2
        echo "dlrig: this is not a Debian/Ubuntu system; install their equivalents by hand" >&2
        exit 1
fi
if [ "$(id -u)" = 0 ]; then
        sudo=""
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
        sudo="sudo"
else
        echo "dlrig: missing build dependencies; run:" >&2
        echo "  sudo apt-get update && sudo apt-get install -y$missing" >&2
        exit 1
fi
echo "dlrig: installing$missing" >&2
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
# shellcheck disable=SC2086
$sudo apt-get install -y -qq $missing >/dev/null
for p in $optional; do
        $sudo apt-get install -y -qq "$p" >/dev/null 2>&1 || true
done
