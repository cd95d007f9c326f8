"""Gradient descent page: the results table and what each outcome means (diverged, bounces forever...)."""

from __future__ import annotations

import streamlit as st

from components.compute.descent import Path, RunSpec, summarize
from components.compute.descent_outlook import Outlook, bowl_outlook
from components.figures.numbers import fmt
from components.ui.i18n import t
from components.ui.lesson import is_hidden, masked
from components.ui.tables import static_table


def run_outlook(land_key: tuple, start: tuple[float, float], run: RunSpec) -> Outlook | None:
    """Linear theory's verdict for a run on the quadratic bowl (``land_key = ("bowl", condition, angle)``)."""
    if land_key[0] != "bowl":
        return None
    return bowl_outlook(run.optimizer, run.lr, run.knob, land_key[1], land_key[2], start)


def _status(path: Path, minima: tuple, outlook: Outlook | None) -> tuple[str, str, str]:
    """Final loss, distance to the nearest known minimum and the outcome, as the table shows them."""
    if path.diverged_at == 0:
        return "—", "—", t("gd.undefined_start")
    if path.diverged_at is not None:
        return "—", "—", t("gd.diverged", k=path.diverged_at)
    s = summarize(path, minima)
    if s.converged:
        status = t("gd.converged", k=s.steps_to_tol)
    elif outlook is not None and outlook.kind in ("bounces", "diverges"):
        status = t(f"gd.{'bounces' if outlook.kind == 'bounces' else 'will_diverge'}")
    elif not minima and path.converged_at is not None:
        status = t("gd.stationary", k=path.converged_at)
    elif not minima:
        status = t("gd.no_minimum")
    else:
        status = t("gd.not_converged")
    return fmt(s.final_loss), fmt(s.distance, 3) if minima else "—", status


def why(run: RunSpec, outlook: Outlook) -> dict[str, str]:
    """The numbers of the explanation: direction, curvature λ, η, 1 − η·λ, the factor and 2/λ."""
    return {
        "direction": t("gd.dir_steep" if outlook.steep else "gd.dir_flat"),
        "lam": fmt(outlook.curvature),
        "lr": f"{run.lr:g}",
        "signed": fmt(1 - run.lr * outlook.curvature),
        "factor": fmt(outlook.factor, 3),
        "limit": fmt(2 / outlook.curvature),
    }


def _note(name: str, path: Path, run: RunSpec, outlook: Outlook | None, converged: bool) -> None:
    """A sentence under the table when a run fails, saying why when the theory knows."""
    sgd = "" if run.optimizer == "sgd" else "_momentum"
    if path.diverged_at == 0:
        st.warning(t("gd.undefined_note", name=name), icon=":material/block:")
    elif path.diverged_at is not None:
        reason = t(f"gd.diverge_why{sgd}", **why(run, outlook)) if outlook and outlook.kind == "diverges" else ""
        st.warning(t("gd.diverged_note", name=name, k=path.diverged_at) + reason, icon=":material/trending_up:")
    elif outlook is not None and outlook.kind == "bounces" and not converged:
        st.warning(t(f"gd.bounces_note{sgd}", name=name, **why(run, outlook)), icon=":material/sync_alt:")
    elif outlook is not None and outlook.kind == "diverges" and not converged:
        st.warning(t("gd.will_diverge_note", name=name) + t(f"gd.diverge_why{sgd}", **why(run, outlook)),
                   icon=":material/trending_up:")  # fmt: skip


def results_table(
    names: list[str], result: list[Path], minima: tuple, runs: list[RunSpec], outlooks: list[Outlook | None]
) -> None:
    """Final loss, distance to the nearest known minimum and the outcome of every run, then the notes.

    A table of text (``ui.tables``): sized with the page on a projector, cheap for the server.
    """
    rows, notes = [], []
    for name, path, run, outlook in zip(names, result, runs, outlooks, strict=True):
        loss, distance, status = _status(path, minima, outlook)
        loss, distance, status = masked(loss), masked(distance), masked(status)  # "Predict first": where it ends
        rows.append(
            {t("gd.col_run"): name, t("gd.col_loss"): loss, t("gd.col_distance"): distance, t("gd.col_status"): status}
        )
        converged = bool(len(path.xs)) and path.diverged_at is None and summarize(path, minima).converged
        notes.append((name, path, run, outlook, converged))
    static_table(rows)
    for note in [] if is_hidden() else notes:  # the notes would give the outcome away
        _note(*note)
