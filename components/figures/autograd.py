"""Graphviz DOT for the Autograd page's tiny network (the expression graph draws itself: ``Graph.dot``)."""

from __future__ import annotations

from components.compute.autograd_graph import TinyNet, TinyResult

BACKWARD_STAGES = 4  # 1: d loss/d out, 2: d loss/d hidden, 3: d loss/d hidden_pre, 4: the weights' gradients
HOT, DONE = "#d62728", "#1f77b4"


def _n(v: float) -> str:
    return f"{v:.4g}"


def tiny_dot(
    net: TinyNet, x: tuple[float, float], target: float, r: TinyResult, stage: int, words: dict, font_size: int = 12
) -> str:
    """The 2-2-1 network left to right: inputs, hidden units (z then sigmoid), output, loss.

    Args:
        stage: 0 the forward values only; 1..4 the backward pass reached that far (``BACKWARD_STAGES``): the
            newest gradients in red, earlier ones in blue; at 4 every weight edge carries its gradient.
        words: translations of ``"grad"``, ``"loss"``, ``"target"``.
        font_size: points (larger for a projector).
    """
    g_out, g_hidden, g_pre = (v.tolist() for v in r.layer_grads)
    grad = words["grad"]

    def style(level: int) -> str:
        if stage == level:
            return f', color="{HOT}", penwidth="3"'
        return f', color="{DONE}", penwidth="2"' if 0 < level < stage else ""

    font = f'fontname="Helvetica", fontsize={font_size}'
    lines = ["digraph tiny {", "  rankdir=LR;", f"  node [{font}];", f"  edge [{font}];"]
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
