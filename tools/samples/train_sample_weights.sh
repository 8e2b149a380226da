#!/usr/bin/env bash
# Trains the bundled sample blocks on the built-in shapes data set and writes their weights
# (BN running statistics included) to sample-models/weights/, under each design's own keys.
# The designs reference these files, so the explorer opens them with trained kernels.
#
#   mvn -q -DskipTests package && bash tools/samples/train_sample_weights.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
jar=app/target/replens.jar
for sample in repvgg dbb acnet; do
  java -jar "$jar" train --sample "$sample" --dataset shapes --mode offline --width 8 --depth 2 \
    --steps 400 --seed 1 --save-block "sample-models/weights/$sample-shapes.npz"
done
