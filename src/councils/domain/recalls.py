"""Command family ``recall.sign``, ``recall.withdraw``: the right of immediate recall.

Rules:

- any member of the electorate of the constituency whose seat a delegate holds may sign a
  petition to recall them (``recall.not_in_electorate``), once (``recall.already_signed``), and
  only for themselves (``recall.not_own``); signatures are public;
- the first signature opens the petition (``recall.opened``) with the threshold rule of the
  constitution in force for the council at that moment; it stays in force for that petition;
- a signer may withdraw their signature (``recall.not_signed`` if there is none), even after
  leaving the electorate;
- reaching the threshold ends the mandate at once: that is a policy
  (:func:`councils.domain.policies.check_threshold`), run after every signature and whenever
  the electorate shrinks.
"""

from __future__ import annotations

from councils.domain.checks import require_self
from councils.domain.commands import SignRecall, WithdrawSignature
from councils.domain.context import Context
from councils.domain.errors import Conflict, NotFound, NotPermitted, RuleViolation
from councils.domain.events import Event, RecallOpened, RecallSigned, RecallWithdrawn
from councils.domain.view import StateView

__all__ = ["sign", "withdraw"]


def sign(cmd: SignRecall, view: StateView, ctx: Context) -> list[Event]:
    require_self(ctx, cmd.signer, "recall.not_own", "sign a recall petition")
    constituency = view.constituency(cmd.constituency)
    if not any(s.holder == cmd.delegate for s in view.seats(cmd.constituency)):
        raise RuleViolation(
            "recall.no_mandate",
            f"{cmd.delegate} holds no seat of {cmd.constituency}",
            {"constituency": cmd.constituency, "delegate": cmd.delegate},
        )
    view.member(cmd.signer)
    if not view.in_electorate(cmd.constituency, cmd.signer):
        raise NotPermitted(
            "recall.not_in_electorate",
            f"{cmd.signer} is not in the electorate of {cmd.constituency}, which elected "
            f"{cmd.delegate}",
            {"constituency": cmd.constituency, "signer": cmd.signer},
        )
    events: list[Event] = []
    if not view.has_petition(cmd.constituency, cmd.delegate):
        rules = ctx.constitution.rules_for(constituency.council)
        num, den = rules.recall_threshold
        events.append(
            RecallOpened(cmd.constituency, cmd.delegate, num, den, rules.recall_comparison)
        )
    elif view.has_signed(cmd.constituency, cmd.delegate, cmd.signer):
        raise Conflict(
            "recall.already_signed",
            f"{cmd.signer} has already signed the petition to recall {cmd.delegate}",
            {"constituency": cmd.constituency, "delegate": cmd.delegate, "signer": cmd.signer},
        )
    events.append(RecallSigned(cmd.constituency, cmd.delegate, cmd.signer))
    return events


def withdraw(cmd: WithdrawSignature, view: StateView, ctx: Context) -> list[Event]:
    require_self(ctx, cmd.signer, "recall.not_own", "withdraw a signature")
    view.constituency(cmd.constituency)
    if not (
        view.has_petition(cmd.constituency, cmd.delegate)
        and view.has_signed(cmd.constituency, cmd.delegate, cmd.signer)
    ):
        raise NotFound(
            "recall.not_signed",
            f"{cmd.signer} has not signed a petition to recall {cmd.delegate} in "
            f"{cmd.constituency}",
            {"constituency": cmd.constituency, "delegate": cmd.delegate, "signer": cmd.signer},
        )
    return [RecallWithdrawn(cmd.constituency, cmd.delegate, cmd.signer)]
