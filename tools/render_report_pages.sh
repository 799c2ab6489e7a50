#!/usr/bin/env bash
# Renders the QA report PDF of the demo batch (with its decisions) and of the CIFAR-10H slice
# (with the two fixture models), and every page of each to PNG with poppler's pdftoppm, to look
# at before a change to the report's layout lands.
#
#     bash tools/render_report_pages.sh [OUT]        # OUT defaults to target/report-pages
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-target/report-pages}
mkdir -p "$out"
rm -f "$out"/*.db "$out"/*.db-* "$out"/*.pdf "$out"/*.png
cargo build -q --bin dissent
bin=target/debug/dissent
at="--as qa-lead"

demo="$out/demo.db"
$bin --db "$demo" $at import fixtures/demo/demo.jsonl --rubric rubrics/tumor_severity_grade.yaml --batch demo >/dev/null
$bin --db "$demo" $at report -o "$out/demo.qa.pdf"
$bin --db "$demo" $at report --reviewer C -o "$out/demo.C.pdf"

cifar="$out/cifar.db"
$bin --db "$cifar" $at import fixtures/predictions/cifar10h.slice.jsonl --rubric rubrics/cifar10_class.yaml --batch cifar10h >/dev/null
$bin --db "$cifar" $at predictions import fixtures/predictions/hard.jsonl --model hard >/dev/null
$bin --db "$cifar" $at predictions import fixtures/predictions/soft.jsonl --model soft >/dev/null
$bin --db "$cifar" $at report -o "$out/cifar10h.qa.pdf"

for pdf in "$out"/*.pdf; do
  pdftoppm -r 80 -png "$pdf" "${pdf%.pdf}"
done
ls "$out"/*.png
