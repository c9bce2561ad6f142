"""Router accuracy on issue 12's measured rounds, each read with the phrases it had before its own tuning.

Each round of blind sets was measured once and then tuned on, so today's phrases flatter them. This bench takes
routing_rules.yaml's topics and off-topic phrases from the commit before each round's tuning (git history), keeps
today's settings and router code, leaves the measured file out of the examples (nearest neighbours and topic
model) and prints agency accuracy per set and per register. It is how the topic model's weight and thresholds
were chosen: a change to the router that helps these figures helps wording no phrase was written for.

    .venv/bin/python bench/bench_routing_rounds.py [--no-model]
"""

from __future__ import annotations

import argparse
import io
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bot.core.route_cli import evaluate, load_examples  # noqa: E402
from bot.core.routing import Router  # noqa: E402
from bot.core.rules import Rules, load_rules, parse_rules  # noqa: E402

# round → the commit whose routing_rules.yaml preceded that round's tuning
BEFORE_TUNING = {
    **{3: "0d28c25", 4: "5d8b50d", 5: "538151f"},
    **dict.fromkeys((6, 7, 8, 9), "9dfae69"),
    **dict.fromkeys((10, 11), "2e60450"),
    12: "c07e51d",
    13: "3438ea2",
    14: "aaa0ca8",
    15: "8899af5",
}
REGISTERS = ("formal", "chat", "smalltalk")


def rules_before(commit: str, today: Rules) -> Rules:
    """Today's rules with the topics and off-topic phrases of routing_rules.yaml at `commit`."""
    source = f"{commit}:routing_rules.yaml"
    text = subprocess.run(["git", "-C", str(ROOT), "show", source], check=True, capture_output=True, text=True).stdout
    old = parse_rules(text, source)
    return today.model_copy(update={"topics": old.topics, "off_topic": old.off_topic})


def main(argv: list[str] | None = None) -> int:
    """Print agency accuracy per measured set and per register."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-model", action="store_true", help="phrases and nearest neighbours only")
    args = parser.parse_args(argv)
    today = load_rules(ROOT / "routing_rules.yaml", fresh=True)
    if args.no_model:
        today = today.model_copy(update={"settings": today.settings.model_copy(update={"model": False})})
    totals = {register: [0, 0] for register in REGISTERS}
    cache: dict[str, Rules] = {}
    for number, commit in BEFORE_TUNING.items():
        if commit not in cache:
            cache[commit] = rules_before(commit, today)
        for register in REGISTERS:
            path = ROOT / "tests" / "data" / f"routing_holdout_{register}{number}.jsonl"
            examples = load_examples(path)
            router = Router(cache[commit], knn_exclude=[ex.text for ex in examples])
            right = round(evaluate(router, path, io.StringIO()) * len(examples))  # agency accuracy, as `pcibot route`
            totals[register][0] += right
            totals[register][1] += len(examples)
            print(f"{path.name}: {right}/{len(examples)} = {100 * right / len(examples):.1f} %", flush=True)
    for register, (right, total) in totals.items():
        print(f"{register}: {right}/{total} = {100 * right / total:.1f} %")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
