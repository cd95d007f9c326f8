"""The Embeddings page's "PyTorch code": the vocabulary from the shipped corpus, ``nn.Embedding`` looked up three
ways (a row, a one-hot product, a batch) with the types printed; the skip-gram / CBOW training with neighbours, the
PCA and an analogy; an image's patches through ``Conv2d(kernel_size=p, stride=p)``."""

from __future__ import annotations

from components.compute import embeddings as E
from components.compute import patches as P
from components.snippets.image_load import file_lines, load_lines, working_size


def _vocabulary(language: str) -> str:
    return f"""import torch
import torch.nn.functional as F
from collections import Counter
from pathlib import Path
from torch import nn

# The page's corpus (assets/data/corpus_{language}.txt, made from templates): one sentence per line, words split by
# spaces. Id 0 is the padding; then the words by frequency (ties alphabetically).
sentences = [line.split() for line in Path("assets/data/corpus_{language}.txt").read_text(encoding="utf-8").splitlines()
             if line.strip()]
counts = Counter(w for s in sentences for w in s)
words = ["{E.PAD}", *sorted(counts, key=lambda w: (-counts[w], w))]
index = {{w: k for k, w in enumerate(words)}}
V = len(words)
print(V, "words")"""


def lookup_code(language: str, dim: int, seed: int, word: str, first: int) -> str:
    """Source that recomputes ``emb``, ``row`` (the word's vector), ``product`` (its one-hot product), ``ids``
    (the batch) and ``out``."""
    return f"""{_vocabulary(language)}

# nn.Embedding(V, d): a table of V rows of d numbers; the page fills it from a seeded N(0, 1), row 0 kept at 0
emb = nn.Embedding(V, {dim}, padding_idx=0)
with torch.no_grad():
    emb.weight.copy_(torch.randn(V, {dim}, generator=torch.Generator().manual_seed({seed})))
    emb.weight[0].zero_()

# token -> id -> row
word_id = index[{word!r}]
with torch.no_grad():
    row = emb(torch.tensor([word_id]))[0]
product = F.one_hot(torch.tensor([word_id]), V).float() @ emb.weight.detach()  # one_hot(id) @ W
product = product[0]
print(word_id, row.shape, torch.equal(row, product))  # the lookup is the one-hot product, exactly

# A batch (B, T) of two sentences, padded with id 0 -> (B, T, d)
rows = [[index[w] for w in sentences[({first} + k) % len(sentences)]] for k in range(2)]
T = max(len(r) for r in rows)
ids = torch.tensor([r + [0] * (T - len(r)) for r in rows])
with torch.no_grad():
    out = emb(ids)
print(ids.shape, "->", out.shape)

# Is an embedding a tensor? The module holds a Parameter (a tensor); a lookup returns a tensor
print(type(emb), type(emb.weight), isinstance(emb.weight, torch.Tensor), type(out))
"""


def train_code(spec: E.EmbTrainSpec, word: str, analogy: tuple[str, str, str]) -> str:
    """Source that recomputes ``losses``, ``vectors``, ``near`` (the word's neighbours), ``coords`` and
    ``shares`` (the PCA) and ``top`` (the analogy's nearest words)."""
    if spec.method == "skipgram":
        examples = f"""# Skip-gram: every (word, neighbour) pair within {spec.window} words: predict the neighbour
# from the word
inputs, targets = [], []
for s in sentences:
    ids = [index[w] for w in s]
    for i, c in enumerate(ids):
        for j in range(max(0, i - {spec.window}), min(len(ids), i + {spec.window} + 1)):
            if j != i:
                inputs.append(c)
                targets.append(ids[j])
inputs, targets = torch.tensor(inputs), torch.tensor(targets)


def hidden():
    return words_emb(inputs)"""
    else:
        examples = f"""# CBOW: predict each word from the mean of its neighbours within {spec.window} words
# (padded with id 0)
inputs, targets = [], []
for s in sentences:
    ids = [index[w] for w in s]
    for i, c in enumerate(ids):
        near = [ids[j] for j in range(max(0, i - {spec.window}), min(len(ids), i + {spec.window} + 1)) if j != i]
        inputs.append(near + [0] * ({2 * spec.window} - len(near)))
        targets.append(c)
inputs, targets = torch.tensor(inputs), torch.tensor(targets)


def hidden():
    mask = (inputs != 0).unsqueeze(-1)
    return (words_emb(inputs) * mask).sum(1) / mask.sum(1).clamp(min=1)"""
    a, b, c = analogy
    return f"""{_vocabulary(spec.language)}

{examples}


# Word vectors (the table) and output vectors; the full softmax over the vocabulary (V is small)
d = {spec.dim}
g = torch.Generator().manual_seed({spec.seed})
words_emb = nn.Embedding(V, d, padding_idx=0)
out = nn.Linear(d, V, bias=False)
with torch.no_grad():
    words_emb.weight.copy_(torch.randn(V, d, generator=g))
    words_emb.weight[0].zero_()
    out.weight.copy_(torch.randn(V, d, generator=g) / d**0.5)
opt = torch.optim.Adam([*words_emb.parameters(), *out.parameters()], lr={spec.lr})
losses = []
for epoch in range({spec.epochs}):  # the whole corpus in each step
    loss = F.cross_entropy(out(hidden()), targets)
    opt.zero_grad()
    loss.backward()
    opt.step()
    losses.append(loss.item())
vectors = words_emb.weight.detach()
print(f"loss {{losses[0]:.3f}} -> {{losses[-1]:.3f}}")

# Nearest words by cosine similarity (the word itself and the padding left out)
unit = F.normalize(vectors, dim=1)
sims = unit @ unit[index[{word!r}]]
sims[[0, index[{word!r}]]] = -float("inf")
near = [(words[i], round(v.item(), 3)) for v, i in zip(*torch.topk(sims, 6))]
print(near)

# The map: the two main directions (PCA by SVD of the centred rows, padding left out) and their share of the
# variance. A projection distorts: words close on the map need not be close in d dimensions.
x = vectors[1:] - vectors[1:].mean(0)
_, s, vh = torch.linalg.svd(x, full_matrices=False)
coords = x @ vh[:2].T
shares = (s**2 / (s**2).sum())[:2]
print("variance explained by the two directions:", shares)

# Analogy: {a} - {b} + {c} = ?  (the three words left out of the answers)
query = F.normalize(vectors[index[{a!r}]] - vectors[index[{b!r}]] + vectors[index[{c!r}]], dim=0)
sims = unit @ query
sims[[0, index[{a!r}], index[{b!r}], index[{c!r}]]] = -float("inf")
top = [(words[i], round(v.item(), 3)) for v, i in zip(*torch.topk(sims, 5))]
print(top)
"""


def images_code(image, patch: int, dim: int, seed: int) -> str:
    """Source that recomputes ``x`` (the ViT input), ``tokens`` ``(N, d)`` and ``by_hand`` (the same by
    ``F.unfold`` and a matrix product)."""
    decoded = image.decoded
    resize_to = working_size(decoded)
    lines = [
        "import numpy as np",
        "import torch",
        "import torch.nn.functional as F",
        "from PIL import Image, ImageOps",
        "from torch import nn",
        *file_lines(decoded.format == "HEIF", image.path == image.name),
        *load_lines(image.path, resize_to, decoded.conversion),
        "print(x.shape)  # pixels are numbers already: no lookup table",
        "",
        f"# The Vision Transformer's input: 224 x 224, cut into {patch} x {patch} patches, each embedded to d = {dim}",
        f"x = F.interpolate(x[None], size=({P.VIT_SIDE}, {P.VIT_SIDE}), mode='bilinear', antialias=True)[0]",
        "x = x.clamp(0, 1)",
        f"torch.manual_seed({seed})",
        f"conv = nn.Conv2d(3, {dim}, kernel_size={patch}, stride={patch})",
        "with torch.no_grad():",
        "    grid = conv(x[None])  # (1, d, 224 / p, 224 / p)",
        "    tokens = grid.flatten(2).transpose(1, 2)[0]  # (N, d): one row per patch, row by row",
        "print(grid.shape, tokens.shape)",
        "",
        "# The same as one Linear on each patch's 3·p·p numbers",
        f"flat = F.unfold(x[None], kernel_size={patch}, stride={patch})[0].T  # (N, 3·p·p)",
        "with torch.no_grad():",
        "    by_hand = flat @ conv.weight.reshape(conv.out_channels, -1).T + conv.bias",
        "print((tokens - by_hand).abs().max())",
    ]
    return "\n".join(lines) + "\n"
