"""components.snippets.convolution: the code panel's source, checked by parsing it (never by eval)."""

from __future__ import annotations

import ast

import numpy as np
import pytest
import torch

from components.compute.convolution import PADDING_MODES, ConvGeometry
from components.snippets.convolution import convolution_code, tensor_literal

SOBEL_X = torch.tensor([[-1.0, 0, 1], [-2, 0, 2], [-1, 0, 1]])
SOBEL_Y = SOBEL_X.T.contiguous()


def _literal_values(src: str) -> list[list[float]]:
    """Values of a ``torch.tensor([...])`` literal, via ``ast.literal_eval`` of the inner list."""
    src = src.strip()
    assert src.startswith("torch.tensor(") and src.endswith(")")
    return ast.literal_eval(src[len("torch.tensor(") : -1])


# --------------------------------------------------------------------------- tensor_literal


@pytest.mark.parametrize("k", [1, 2, 3, 5, 9])
@pytest.mark.parametrize("seed", range(3))
def test_tensor_literal_round_trips_float32_exactly(k, seed):
    gen = torch.Generator().manual_seed(seed)
    kernel = torch.randn(k, k, generator=gen) * 10 ** torch.randint(-6, 4, (k, k), generator=gen).float()
    back = torch.tensor(_literal_values(tensor_literal(kernel)), dtype=torch.float32)
    assert back.shape == kernel.shape
    assert torch.equal(back, kernel)


def test_tensor_literal_awkward_values():
    values = [1 / 3, 0.1, -2.5e-8, 3.4028235e38, 1.4e-45, 1e-40, -0.0, 1000.0, 16777217.0]
    kernel = torch.tensor(values[:9], dtype=torch.float32).reshape(3, 3)
    back = np.array(_literal_values(tensor_literal(kernel)), dtype=np.float32)
    assert np.array_equal(back, kernel.numpy())
    assert np.array_equal(back.view(np.int32)[np.nonzero(back)], kernel.numpy().view(np.int32)[np.nonzero(back)])


def test_tensor_literal_by_hand_and_indent():
    src = tensor_literal(torch.tensor([[1.0, -0.5], [0.25, 0.0]]), indent="  ")
    assert src == "torch.tensor([\n  [1.0, -0.5],\n  [0.25, 0.0],\n])"
    ast.parse(src)
    assert torch.tensor(_literal_values(src)).dtype == torch.float32  # a float literal, as in the user's code


def test_tensor_literal_gaussian_weights():
    from components.compute.kernels import make_kernel

    kernel = make_kernel("gaussian", 7, 1.3)
    assert torch.equal(torch.tensor(_literal_values(tensor_literal(kernel)), dtype=torch.float32), kernel)


# --------------------------------------------------------------------------- convolution_code


def _conv_calls(tree: ast.AST) -> dict[str, ast.Call]:
    """``name = nn.Conv2d(...)`` assignments by target name."""
    calls = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Call):
            func = node.value.func
            if isinstance(func, ast.Attribute) and func.attr == "Conv2d":
                calls[node.targets[0].id] = node.value
    return calls


def _keywords(call: ast.Call) -> dict[str, object]:
    return {kw.arg: ast.literal_eval(kw.value) for kw in call.keywords}


def _assigned_literal(tree: ast.AST, name: str) -> list[list[float]]:
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", None) == name:
            call = node.value
            assert isinstance(call, ast.Call) and call.func.attr == "tensor"
            return ast.literal_eval(call.args[0])
    raise AssertionError(f"{name} is not assigned")


def _open_argument(tree: ast.AST) -> str:
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "open":
            return ast.literal_eval(node.args[0])
    raise AssertionError("Image.open not found")


GEOMETRIES = [
    ConvGeometry(3, 1, mode, s, d)
    for mode, s, d in [(m, 1, 1) for m in PADDING_MODES] + [("reflect", 2, 3), ("zeros", 8, 4), ("circular", 3, 2)]
] + [ConvGeometry(5, 0, "zeros", 1, 1), ConvGeometry(1, 4, "replicate", 2, 1)]


@pytest.mark.parametrize("g", GEOMETRIES, ids=str)
@pytest.mark.parametrize("grayscale", [False, True])
def test_convolution_code_parses_and_states_the_geometry(g, grayscale):
    kernel = torch.randn(g.kernel_size, g.kernel_size, generator=torch.Generator().manual_seed(g.kernel_size))
    src = convolution_code("assets/images/cat.jpg", None, kernel, g, grayscale)
    tree = ast.parse(src)
    calls = _conv_calls(tree)
    assert list(calls) == ["conv"]
    c = 1 if grayscale else 3
    assert [ast.literal_eval(a) for a in calls["conv"].args] == [c, c]
    assert _keywords(calls["conv"]) == {
        "kernel_size": g.kernel_size,
        "stride": g.stride,
        "padding": g.padding,
        "dilation": g.dilation,
        "padding_mode": g.padding_mode,
        "groups": c,
        "bias": False,
    }
    assert torch.equal(torch.tensor(_assigned_literal(tree, "kernel"), dtype=torch.float32), kernel)
    assert ("rgb_to_grayscale" in src) == grayscale
    assert _open_argument(tree) == "assets/images/cat.jpg"
    assert "hypot" not in src
    assert "eval(" not in src and "exec(" not in src


def test_convolution_code_resize_line():
    src = convolution_code("cat.jpg", (1024, 683), SOBEL_X, ConvGeometry(3, 1), False)
    tree = ast.parse(src)
    resizes = [
        n
        for n in ast.walk(tree)
        if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr == "resize"
    ]
    assert len(resizes) == 1
    assert ast.literal_eval(resizes[0].args[0]) == (1024, 683)  # (width, height), as Pillow wants
    assert ".resize(" not in convolution_code("cat.jpg", None, SOBEL_X, ConvGeometry(3, 1), False)


@pytest.mark.parametrize("grayscale", [False, True])
def test_convolution_code_gradient_magnitude(grayscale):
    g = ConvGeometry(3, 2, "reflect", 2, 1)
    src = convolution_code("x.png", None, SOBEL_X, g, grayscale, magnitude_kernel=SOBEL_Y)
    tree = ast.parse(src)
    calls = _conv_calls(tree)
    assert list(calls) == ["conv", "conv_y"]
    assert _keywords(calls["conv_y"]) == _keywords(calls["conv"])
    assert _assigned_literal(tree, "kernel") == SOBEL_X.tolist()
    assert _assigned_literal(tree, "kernel_y") == SOBEL_Y.tolist()
    hypot = [n for n in ast.walk(tree) if isinstance(n, ast.Attribute) and n.attr == "hypot"]
    assert len(hypot) == 1


@pytest.mark.parametrize("path", ["my cat.jpg", "猫.png", "photo (1).jpeg", "it's.png", "a#b.gif"])
def test_convolution_code_opens_the_file_as_named(path):
    tree = ast.parse(convolution_code(path, None, SOBEL_X, ConvGeometry(3, 1), False))
    assert _open_argument(tree) == path


@pytest.mark.parametrize("path", ['my "cat".png', "a\\new.png"])
def test_convolution_code_quotes_awkward_file_names(path):
    tree = ast.parse(convolution_code(path, None, SOBEL_X, ConvGeometry(3, 1), False))
    assert _open_argument(tree) == path


# --------------------------------------------------------------------------- opening the file as the page did


@pytest.mark.parametrize(
    ("conversion", "must", "must_not"),
    [
        ("convert", ['.convert("RGB")'], ["alpha_composite", "np.asarray(img"]),
        ("alpha", ['.convert("RGBA")', "Image.alpha_composite(white, img)", "(255, 255, 255, 255)"], ["lo / 257"]),
        ("stretch16", ["(a - lo) / (hi - lo) * 255", "lo / 257"], ["alpha_composite"]),
        ("stretch", ["(a - lo) / (hi - lo) * 255", "min(max(lo, 0), 255)"], ["lo / 257"]),
    ],
)
def test_code_converts_the_mode_like_the_page(conversion, must, must_not):
    src = convolution_code("photo.png", (1024, 768), SOBEL_X, ConvGeometry(3, 1), False, conversion=conversion)
    ast.parse(src)
    assert "ImageOps.exif_transpose(Image.open('photo.png'))" in src
    for text in must:
        assert text in src, text
    for text in must_not:
        assert text not in src, text
    assert src.index("Image.open") < src.index("img.resize((1024, 768)")  # convert, then resize, as the page


def test_heic_code_registers_pillow_heif_first():
    src = convolution_code("IMG_0001.HEIC", None, SOBEL_X, ConvGeometry(3, 1), False, heif=True)
    tree = ast.parse(src)
    imports = [n.names[0].name for n in tree.body if isinstance(n, ast.Import)]
    assert "pillow_heif" in imports
    assert src.index("pillow_heif.register_heif_opener()") < src.index("Image.open(")
    assert "pillow_heif" not in convolution_code("cat.jpg", None, SOBEL_X, ConvGeometry(3, 1), False)
