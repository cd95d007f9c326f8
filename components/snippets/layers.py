"""The Layers page's "PyTorch code": the list, the model, the shape after every layer, the parameter counts and
train() against eval(), for the page's layers and input."""

from __future__ import annotations

from components.compute.layers import LayerSpec


def layers_code(specs: list[LayerSpec], shape: tuple[int, ...], batch: int, seed: int) -> str:
    """Source that recomputes ``shapes``, ``total``, ``train_diff``, ``eval_diff`` and ``mode_diff`` (when every
    layer accepts its input; else it prints PyTorch's error for the layer that fails, ``failed_at``)."""
    rows = "\n".join(f"    {s.code()}," for s in specs)
    dims = ", ".join(str(v) for v in shape)
    return f"""import torch
from torch import nn

torch.manual_seed({seed})
layers = [
{rows}
]
model = nn.Sequential(*layers)  # the star: nn.Sequential(layers) raises "list is not a Module subclass"
print(model)
print({{k: tuple(v.shape) for k, v in model.state_dict().items()}})
total = sum(p.numel() for p in model.parameters())
print("parameters:", total)

x = torch.randn({batch}, {dims}, generator=torch.Generator().manual_seed({seed}))
model.eval()
shapes, h, failed_at = [], x, None
with torch.no_grad():
    for i, layer in enumerate(model):
        try:
            h = layer(h)
        except RuntimeError as err:  # a shape mismatch: PyTorch names the sizes
            print(f"layer {{i}} ({{layer}}) failed: {{err}}")
            failed_at = i
            break
        shapes.append(tuple(h.shape))
        print(i, layer, tuple(h.shape))

if failed_at is None:  # train() vs eval() on the same batch
    torch.manual_seed({seed + 1})
    with torch.no_grad():
        model.eval()
        e1, e2 = model(x), model(x)
        model.train()
        t1, t2 = model(x), model(x)  # dropout: new masks each pass; batch norm: this batch's statistics
    train_diff = (t1 - t2).abs().max().item()
    eval_diff = (e1 - e2).abs().max().item()
    mode_diff = (t1 - e1).abs().max().item()
    print(f"train vs train {{train_diff:.3g}}, eval vs eval {{eval_diff:.3g}}, train vs eval {{mode_diff:.3g}}")
"""
