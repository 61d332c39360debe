#!/usr/bin/env bash
# Runs every test of the solution in Release. Works on a fresh machine with the .NET 10 SDK: NuGet restores
# TorchSharp and libtorch, and the build itself makes libtorch loadable on Debian 12 (see NativeRuntime.md).
set -euo pipefail
cd "$(dirname "$0")"
exec dotnet test TfFunctional.sln -c Release --nologo "$@"
