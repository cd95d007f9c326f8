"""Graphviz DOT for the Autograd page: the traced expression graph and the tiny network."""

from __future__ import annotations

import torch

from components.compute.autograd_graph import Graph
from components.compute.tiny_net import TinyNet, TinyResult
from components.figures.numbers import fmt

BACKWARD_STAGES = 4  # 1: d loss/d out, 2: d loss/d hidden, 3: d loss/d hidden_pre, 4: the weights' gradients
HOT, DONE = "#d62728", "#1f77b4"


def _n(v: float) -> str:
    return fmt(v)


def tiny_dot(
    net: TinyNet,
    x: tuple[float, float],
    target: float,
    r: TinyResult,
    stage: int,
    words: dict,
    font_size: int = 12,
    rankdir: str = "LR",
) -> str:
    """The 2-2-1 network left to right: inputs, hidden units (z then sigmoid), output, loss.

    Args:
        stage: 0 the forward values only; 1..4 the backward pass reached that far (``BACKWARD_STAGES``): the
            newest gradients in red, earlier ones in blue; at 4 every weight edge carries its gradient.
        words: translations of ``"grad"``, ``"loss"``, ``"target"``.
        font_size: points (larger for a projector).
        rankdir: ``"LR"`` (left to right) or ``"TB"`` (top to bottom: narrower, larger text on a projector).
    """
    g_out, g_hidden, g_pre = (v.tolist() for v in r.layer_grads)
    grad = words["grad"]

    def style(level: int) -> str:
        if stage == level:
            return f', color="{HOT}", penwidth="3"'
        return f', color="{DONE}", penwidth="2"' if 0 < level < stage else ""

    font = f'fontname="Helvetica", fontsize={font_size}'
    lines = ["digraph tiny {", f"  rankdir={rankdir};", f"  node [{font}];", f"  edge [{font}];"]
    for i in range(2):
        lines.append(f'  x{i} [label="x{i + 1}\\n{_n(x[i])}", shape="ellipse", style="filled", fillcolor="#e6e6e6"];')
    for j in range(2):
        text = f"z{j + 1} = w·x + b{j + 1} = {_n(r.hidden_pre[j].item())}\\n(b{j + 1} = {_n(net.b1[j])})"
        if stage >= 3:
            text += f"\\n{grad} = {_n(g_pre[j])}"
        lines.append(f'  z{j} [label="{text}", shape="box", style="rounded,filled", fillcolor="#dbeafe"{style(3)}];')
        text = f"h{j + 1} = σ(z{j + 1}) = {_n(r.hidden[j].item())}"
        if stage >= 2:
            text += f"\\n{grad} = {_n(g_hidden[j])}"
        lines.append(f'  h{j} [label="{text}", shape="box", style="rounded,filled", fillcolor="#dbeafe"{style(2)}];')
        lines.append(f"  z{j} -> h{j};")
    text = f"out = σ(v·h + c) = {_n(r.out)}\\n(c = {_n(net.b2)})" + (f"\\n{grad} = {_n(g_out)}" if stage >= 1 else "")
    lines.append(f'  out [label="{text}", shape="box", style="rounded,filled", fillcolor="#dbeafe"{style(1)}];')
    loss = f"{words['loss']} = ½(out − {words['target']})²\\n= {_n(r.loss)}\\n({words['target']} = {_n(target)})"
    lines.append(f'  loss [label="{loss}", shape="box", peripheries="2", style="rounded"];')
    lines.append("  out -> loss;")
    w1, w2 = r.grads["w1"].tolist(), r.grads["w2"].tolist()
    for j in range(2):
        for i in range(2):
            label = f"w{j + 1}{i + 1} = {_n(net.w1[j][i])}" + (f"\\n{grad} {_n(w1[j][i])}" if stage >= 4 else "")
            colour = f', color="{HOT}", fontcolor="{HOT}"' if stage >= 4 else ""
            lines.append(f'  x{i} -> z{j} [label="{label}"{colour}];')
        label = f"v{j + 1} = {_n(net.w2[j])}" + (f"\\n{grad} {_n(w2[j])}" if stage >= 4 else "")
        colour = f', color="{HOT}", fontcolor="{HOT}"' if stage >= 4 else ""
        lines.append(f'  h{j} -> out [label="{label}"{colour}];')
    return "\n".join([*lines, "}"])


_STYLE = {  # (is leaf, requires grad) -> shape and fill: parameters yellow, constants grey, ops boxes
    (True, True): {"shape": "ellipse", "style": "filled", "fillcolor": "#ffe08a"},
    (True, False): {"shape": "ellipse", "style": "filled", "fillcolor": "#e6e6e6"},
    (False, True): {"shape": "box", "style": "rounded,filled", "fillcolor": "#dbeafe"},
    (False, False): {"shape": "box", "style": "rounded,filled", "fillcolor": "#f5f5f5"},
}


def number(t: torch.Tensor) -> str:
    """4 significant digits; vectors as ``[a, b, c]`` or ``[a, b, c, …, z] (n)``."""
    flat = [fmt(v) for v in t.detach().reshape(-1).tolist()]
    if t.dim() == 0:
        return flat[0]
    if len(flat) > 4:
        return f"[{', '.join(flat[:3])}, …, {flat[-1]}] ({len(flat)})"
    return f"[{', '.join(flat)}]"


def _esc(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"')


def graph_dot(
    graph: Graph,
    step: int | None = None,
    labels: dict[str, str] | None = None,
    font_size: int = 12,
    rankdir: str = "LR",
) -> str:
    """Graphviz DOT source, forward left to right.

    Args:
        step: index into ``steps``: highlight that node and the edges it passes gradient along (labelled
            with the gradient passed), and show grads only for nodes reached by steps ``0..step``.
            ``None``: every known grad, no highlight.
        labels: translations of the words ``"value"`` and ``"grad"``.
        font_size: points (larger for a projector).
        rankdir: ``"LR"`` (left to right) or ``"TB"`` (top to bottom: narrower, larger text on a projector).

    Returns:
        ``digraph autograd { ... }``: leaves are ellipses (yellow with requires_grad, grey constants), ops
        boxes, the output double-bordered; numbers have 4 significant digits.
    """
    if step is not None and not 0 <= step < len(graph.steps):
        raise ValueError(f"step must be in [0, {len(graph.steps) - 1}]. Got {step}")
    words = {"value": "value", "grad": "grad", **(labels or {})}
    active = None if step is None else graph.steps[step]
    reached = {n.id for n in graph.nodes} if step is None else {s.node for s in graph.steps[: step + 1]}
    hot: dict[tuple[str, str], list[torch.Tensor]] = {}
    for src, _, passed in active.passed if active else ():
        hot.setdefault((src, active.node), []).append(passed)
    font = f'fontname="Helvetica", fontsize={font_size}'
    lines = ["digraph autograd {", f"  rankdir={rankdir};", f"  node [{font}];", f"  edge [{font}];"]
    for n in graph.nodes:
        text = [n.label, n.grad_fn, f"{words['value']} = {number(n.value)}"]
        if n.grad is not None and n.id in reached:
            text.append(f"{words['grad']} = {number(n.grad)}")
        attrs = {"label": "\\n".join(_esc(t) for t in text if t)}
        attrs |= _STYLE[n.kind == "leaf", n.requires_grad]
        if n.kind == "output":
            attrs["peripheries"] = "2"
        if active and n.id == active.node:
            attrs |= {"color": "#d62728", "penwidth": "3"}
        elif step is not None and n.id in reached:
            attrs |= {"color": "#1f77b4", "penwidth": "2"}
        fields = ", ".join(f'{k}="{v}"' for k, v in attrs.items())
        lines.append(f"  {n.id} [{fields}];")
    for src, dst in graph.edges:
        grads = hot.get((src, dst))
        style = ""
        if grads:
            style = f' [color="#d62728", fontcolor="#d62728", penwidth="2.5", label="{_esc(number(grads.pop(0)))}"]'
        lines.append(f"  {src} -> {dst}{style};")
    return "\n".join([*lines, "}"])
