#!/usr/bin/env bash
# Runs every test of the solution in Release. Works on a fresh Debian machine with the .NET 10 SDK: NuGet restores
# TorchSharp and libtorch, the build makes libtorch loadable on Debian 12 (see NativeRuntime.md), and Graphviz (for
# PlotModel) is installed here when missing.
set -euo pipefail
cd "$(dirname "$0")"
if ! command -v dot >/dev/null 2>&1; then
  echo "Installing Graphviz (Debian package graphviz) for PlotModel..."
  if [ "$(id -u)" = 0 ]; then apt_get=(apt-get); else apt_get=(sudo apt-get); fi
  "${apt_get[@]}" update -qq
  DEBIAN_FRONTEND=noninteractive "${apt_get[@]}" install -y -qq graphviz >/dev/null
fi
# A test that hangs is stopped after 10 minutes and named (no dump), so a run fails instead of waiting forever.
exec dotnet test TfFunctional.sln -c Release --nologo --blame-hang-timeout 10m --blame-hang-dump-type none "$@"
