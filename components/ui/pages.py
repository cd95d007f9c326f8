"""The page table: one row per existing page (the router and the home cards use it)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PageInfo:
    """Attributes:
    module: file name in ``app/topics`` without ``.py``.
    url_path: address (``""`` is the home page at ``/``).
    i18n: catalog prefix for ``title`` and ``card`` (the home card line).
    section: key of ``SECTIONS``.
    icon: Material icon.
    thumbnail: picture for the home card (in ``assets/images``), or ``None``.
    """

    module: str
    url_path: str
    i18n: str
    section: str
    icon: str
    thumbnail: str | None = None


SECTIONS = ("start", "images", "optimisation", "models", "tensors")

PAGES = (
    PageInfo("home", "", "home", "start", ":material/home:"),
    PageInfo("convolution", "convolution", "conv", "images", ":material/blur_on:", "thumb_convolution.png"),
    PageInfo("signals", "signals", "sig", "images", ":material/graphic_eq:", "thumb_signals.png"),
    PageInfo("upsampling", "upsampling", "up", "images", ":material/zoom_out_map:", "thumb_upsampling.png"),
    PageInfo("transforms", "transforms", "tf", "images", ":material/filter_frames:", "thumb_transforms.png"),
    PageInfo("derivatives", "derivatives", "deriv", "optimisation", ":material/show_chart:", "thumb_derivatives.png"),
    PageInfo(
        "gradient_descent", "gradient-descent", "gd", "optimisation", ":material/trending_down:", "thumb_descent.png"
    ),
    PageInfo("autograd", "autograd", "ag", "optimisation", ":material/account_tree:", "thumb_autograd.png"),
    PageInfo("overfitting", "overfitting", "fit", "models", ":material/ssid_chart:", "thumb_overfitting.png"),
    PageInfo("activations", "activations", "act", "models", ":material/function:", "thumb_activations.png"),
    PageInfo("losses", "losses", "loss", "models", ":material/target:", "thumb_losses.png"),
    PageInfo("layers", "layers", "lay", "models", ":material/stacks:", "thumb_layers.png"),
    PageInfo("tensors", "tensors", "ten", "tensors", ":material/view_in_ar:", "thumb_tensors.png"),
    PageInfo("linear_maps", "linear-maps", "lin", "tensors", ":material/transform:", "thumb_linear_maps.png"),
    PageInfo("embeddings", "embeddings", "emb", "tensors", ":material/scatter_plot:", "thumb_embeddings.png"),
)
