"""Loss functions · 损失函数: what training lowers — MSE, MAE, Huber, cross-entropy — next to its PyTorch code."""

import streamlit as st

from components.snippets.losses import losses_code
from components.ui.code_panel import code_panel
from components.ui.fragments import section
from components.ui.i18n import t
from components.ui.lesson import Lesson, page_header
from components.ui.losses import STEPS
from components.ui.losses.views import (
    D,
    LossSettings,
    batch_controls,
    batch_view,
    classification_controls,
    classification_view,
    logit_setting,
    mistakes_view,
    regression_controls,
    regression_view,
)
from components.ui.present import page_explanation
from components.ui.state import reset_button, setting, url_tabs

page_header("loss", Lesson("loss", LossSettings, STEPS))
reset_button("loss", LossSettings)
tabs = url_tabs({"regression": t("loss.tab_regression"), "classification": t("loss.tab_classification"),
                 "mistakes": t("loss.tab_mistakes")}, "loss_view")  # fmt: skip


def code() -> None:
    """The code panel, inside each tab's section: a section's own rerun redraws it with the new numbers."""
    z, true, temp = logit_setting()
    source = losses_code(line_setting(), setting("loss_delta", D.delta), (z, true, temp),
                         (setting("loss_seed", D.seed), setting("loss_reduction", D.reduction)))  # fmt: skip
    code_panel(source, "losses.py")


def regression() -> None:
    settings = regression_controls()
    with st.container(key="loss_fit_box"):
        regression_view(*settings)
    code()


def classification() -> None:
    z, true, temp = classification_controls()
    with st.container(key="loss_softmax_box"):
        classification_view(z, true, temp)
    st.subheader(t("loss.batch_title"))
    st.markdown(t("loss.batch_idea"))
    batch_view(*batch_controls())
    code()


def line_setting() -> tuple[float, float, float]:
    return (setting("loss_w", D.w), setting("loss_b", D.b), setting("loss_outlier", D.outlier))


if tabs["regression"].open:
    with tabs["regression"]:
        section(regression)
if tabs["classification"].open:
    with tabs["classification"]:
        section(classification)
if tabs["mistakes"].open:
    with tabs["mistakes"]:
        z, true, _ = logit_setting()
        mistakes_view(z, true, *line_setting())
        code()
page_explanation("losses")
