"""Parses Prometheus text exposition (stdin) with the Prometheus project's own parser
(prometheus_client) and prints the samples as JSON: a list of
{"name", "labels", "value", "family", "type"}. Any malformed line fails the parse (exit 1),
which is the point: ramp's /_ramp/metrics must be what a Prometheus server accepts."""

import json
import math
import sys

from prometheus_client.parser import text_string_to_metric_families


def main() -> int:
    text = sys.stdin.read()
    samples = []
    try:
        for family in text_string_to_metric_families(text):
            for sample in family.samples:
                value = sample.value
                if math.isinf(value) or math.isnan(value):
                    value = str(value)
                samples.append(
                    {
                        "family": family.name,
                        "type": family.type,
                        "name": sample.name,
                        "labels": sample.labels,
                        "value": value,
                    }
                )
    except Exception as error:  # the parser raises ValueError and friends on bad input
        print(f"not valid Prometheus text format: {error}", file=sys.stderr)
        return 1
    json.dump(samples, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
