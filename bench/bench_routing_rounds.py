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
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bot.core.route_cli import load_examples  # noqa: E402
from bot.core.routing import Router  # noqa: E402
from bot.core.rules import Rules, load_rules  # noqa: E402

# round → the commit whose routing_rules.yaml preceded that round's tuning
BEFORE_TUNING = {
    **{3: "0d28c25", 4: "5d8b50d", 5: "538151f"},
    **dict.fromkeys((6, 7, 8, 9), "9dfae69"),
    **dict.fromkeys((10, 11), "2e60450"),
    12: "c07e51d",
}
REGISTERS = ("formal", "chat", "smalltalk")


def rules_before(commit: str, today: Rules, workdir: Path) -> Rules:
    """Today's rules with the topics and off-topic phrases of routing_rules.yaml at `commit`."""
    text = subprocess.run(
        ["git", "-C", str(ROOT), "show", f"{commit}:routing_rules.yaml"], check=True, capture_output=True, text=True
    ).stdout
    path = workdir / f"rules_{commit}.yaml"
    path.write_text(text, encoding="utf-8")
    old = load_rules(path, fresh=True)
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
    with tempfile.TemporaryDirectory() as tmp:
        cache: dict[str, Rules] = {}
        for number, commit in BEFORE_TUNING.items():
            rules = cache.setdefault(commit, rules_before(commit, today, Path(tmp)))
            for register in REGISTERS:
                path = ROOT / "tests" / "data" / f"routing_holdout_{register}{number}.jsonl"
                examples = load_examples(path)
                router = Router(rules, knn_exclude=[ex.text for ex in examples])
                right = 0
                for ex in examples:
                    agency = router.route(ex.text).agency
                    right += agency in ex.agencies or ("unclassified" in ex.topics and agency == "triage")
                totals[register][0] += right
                totals[register][1] += len(examples)
                print(f"{path.name}: {right}/{len(examples)} = {100 * right / len(examples):.1f} %", flush=True)
    for register, (right, total) in totals.items():
        print(f"{register}: {right}/{total} = {100 * right / total:.1f} %")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
