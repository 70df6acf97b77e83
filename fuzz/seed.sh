#!/usr/bin/env bash
# Builds the local seed corpora (git-ignored: RAVDESS may not be committed) from the committed
# synthetic format fixtures and from clips of ../shared/data, each cut to its first 64 kB, so the
# fuzzer starts from real FLAC and WAV files of every kind we read.
#
#   bash fuzz/seed.sh [DATA_DIR]
set -euo pipefail
cd "$(dirname "$0")"
data=${1:-../../shared/data}
for t in ingest analyze; do
  mkdir -p "corpus/$t"
  cp ../tests/fixtures/formats/*.{wav,flac,mp3,ogg,opus,webm,m4a,aiff,caf,w64,au,sph,gsm,shn,vox} "corpus/$t/"
  for f in $(ls "$data"/ravdess/Actor_0{1,2}/*.flac | head -8) $(ls "$data"/ravdess-wav/*/*.wav | head -4); do
    head -c 65536 "$f" > "corpus/$t/$(basename "$f")"
  done
done
mkdir -p corpus/stream
cp seeds/stream/* corpus/stream/
