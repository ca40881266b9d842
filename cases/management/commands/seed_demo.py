"""Create the demo users and a realistic synthetic caseload (DOMAIN.md A4)."""

import argparse
import time

from django.core.management.base import BaseCommand, CommandError

from cases import demo
from cases.errors import DomainError


def _whole_number(value: str) -> int:
    try:
        return int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected a whole number, got {value!r}"
        ) from None


class Command(BaseCommand):
    help = (
        "Create or refresh the demo users (password "
        f"{demo.DEMO_PASSWORD!r}) and add N synthetic children with their "
        "episodes, plans, allocations and key people."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--children",
            type=_whole_number,
            default=demo.DEFAULT_CHILDREN,
            metavar="N",
            help=(
                f"How many children to add, 0 to {demo.MAX_CHILDREN:,} "
                f"(default {demo.DEFAULT_CHILDREN})."
            ),
        )
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Refresh the users, but add children only if there are none yet.",
        )
        parser.add_argument(
            "--seed",
            type=_whole_number,
            default=demo.DEFAULT_SEED,
            help="Random seed; the same seed on an empty database gives the same data.",
        )

    def handle(self, *args, children, if_empty, seed, verbosity, **options):
        from django.conf import settings

        # Demo accounts share a published password: never in production.
        if not getattr(settings, "DEMO_SEED_ALLOWED", False):
            raise CommandError(
                "seed_demo is disabled in these settings (DEMO_SEED_ALLOWED is off)."
            )
        # call_command(children=...) skips the argument parser, so check here too.
        if isinstance(children, bool) or not isinstance(children, int):
            raise CommandError(f"--children must be a whole number, got {children!r}.")
        if not 0 <= children <= demo.MAX_CHILDREN:
            raise CommandError(
                f"--children must be from 0 to {demo.MAX_CHILDREN:,}, got {children:,}."
            )
        started = time.monotonic()

        def on_batch(done: int) -> None:
            if verbosity >= 2:
                self.stdout.write(f"  {done:,} of {children:,} children")

        try:
            result = demo.demo_seed(
                children=children, seed=seed, if_empty=if_empty, on_batch=on_batch
            )
        except DomainError as exc:
            raise CommandError(str(exc)) from None
        elapsed = time.monotonic() - started
        counts = result.caseload
        if counts is None:
            self.stdout.write(
                f"Demo users ready ({result.users}); children exist already, so no "
                f"caseload was added (--if-empty). {elapsed:.1f}s"
            )
            return
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo users ready ({result.users}). Added {counts.children:,} "
                f"children ({counts.in_care:,} in care, {counts.on_plan:,} on a "
                f"child protection plan), {counts.care_episodes:,} care episodes, "
                f"{counts.cp_plans:,} plans, {counts.allocations:,} allocations and "
                f"{counts.key_people:,} key people in {elapsed:.1f}s."
            )
        )
