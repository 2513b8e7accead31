"""FusionDenseNet3D: the v-DropPath 3D DenseNet template of "Spatiotemporal Fusion in 3D CNNs: A Probabilistic
View" (Zhou et al., CVPR 2020) in PyTorch, with the parameter names `stfusion export` writes.

    from fusion_densenet3d import Config, FusionDenseNet3D
    model = FusionDenseNet3D(Config(**sidecar["pytorch"]["config"]), sidecar["pytorch"]["strategy"])
    model.load_state_dict(safetensors.torch.load_file("model-best.safetensors"), strict=True)

strategy "template" builds both paths at every fusion position, each behind a v-DropPath gate (p = sigmoid(theta)),
plus the classifier's per-feature gate; "S", "ST" and "S+ST" build the fixed network with only those paths and no
gates. A mixed strategy is "S+ST" with the paths it does not keep set to None (the sidecar's "remove" list);
load_model.py beside this file does that, and rebuilds the stem and paths where a run used other temporal kernels
than the 5x7x7 stem, 3x3x3 stem pool and 3x1x1 T paths below.

The regulariser constants K_REG and N_TRAIN only matter for kl(), i.e. for training the template further: set them
to your length scale k and training-set size N.
"""

import math
from dataclasses import dataclass

import torch
import torch.nn as nn
import torch.nn.functional as F


@dataclass(frozen=True)
class Config:
    init_features: int = 64           # stem output channels
    growth: int = 32                  # new channels per dense layer
    bn_size: int = 4                  # bottleneck width = bn_size * growth
    blocks: tuple = (6, 12, 24, 16)   # dense layers per block (DenseNet-121 layout)
    frames: int = 8                   # T
    size: int = 112                   # H = W
    classes: int = 101


P_INIT = 0.1          # initial drop probability of a fresh gate
TAU = 0.2             # temperature of the relaxed Bernoulli mask
EPS = 1e-8            # epsilon inside the relaxation
K_REG = 250.0         # length scale k of the regulariser
N_TRAIN = 86017       # training-set size N

STRATEGIES = ("template", "S", "ST", "S+ST")   # template = both paths, gated


# --------------------------------------------------------------------------------------------
# Variational DropPath
# --------------------------------------------------------------------------------------------

class DropGate(nn.Module):
    """Learned drop probability p = sigmoid(theta) and the mask applied to a conv/linear input.

    mode "train":  relaxed Bernoulli keep-mask drawn fresh on every call,
                   drop = sigmoid((logit p + logistic noise) / tau), keep = 1 - drop,
                   one scalar per sample (conv path, noise shape [B,1,1,1,1]) or one per sample
                   and input feature (classifier, shape [B,C_in]).  No 1/(1-p) rescaling.
    mode "sample": fixed hard mask set by set_hard_keep(); a dropped conv path returns None so
                   the caller can skip the (bias-free) conv, whose output would be exactly 0.
    """

    def __init__(self, features=None):
        super().__init__()
        self.features = features      # None: one scalar per path; int: per-feature (classifier)
        self.theta = nn.Parameter(torch.tensor(math.log(P_INIT / (1.0 - P_INIT))))
        self.mode = "train"
        self.keep = True                                  # sample-mode mask of a path gate
        if features:                                      # sample-mode mask of the classifier
            self.register_buffer("keep_vec", torch.ones(features), persistent=False)

    @property
    def p(self):
        return torch.sigmoid(self.theta)

    def set_hard_keep(self, keep):
        if self.features is None:
            self.keep = bool(keep)
        else:
            self.keep_vec = torch.as_tensor(keep, dtype=torch.float32).reshape(self.features)

    def forward(self, x):
        if self.mode == "train":
            shape = (x.shape[0], self.features) if self.features else (x.shape[0],) + (1,) * (x.dim() - 1)
            u1 = torch.rand(shape, dtype=x.dtype)
            u2 = torch.rand(shape, dtype=x.dtype)
            p = self.p
            s = (torch.log(p + EPS) - torch.log(1 - p + EPS)
                 + torch.log(-torch.log(u1 + EPS) + EPS) - torch.log(-torch.log(u2 + EPS) + EPS)) / TAU
            return x * (1 - torch.sigmoid(s))
        if self.features is None:
            return x if self.keep else None
        return x * self.keep_vec

    def neg_entropy(self):
        # p ln p + (1-p) ln(1-p), written with logsigmoid so that it cannot produce NaN.
        p = self.p
        return p * F.logsigmoid(self.theta) + (1 - p) * F.logsigmoid(-self.theta)


class Path(nn.Module):
    """One fusion path: BN -> ReLU -> [gate] -> Conv (bias-free).  forward returns None if dropped."""

    def __init__(self, cin, cout, kernel, padding, gated):
        super().__init__()
        self.bn = nn.BatchNorm3d(cin)
        self.conv = nn.Conv3d(cin, cout, kernel, padding=padding, bias=False)
        self.gate = DropGate() if gated else None

    def forward(self, x):
        h = F.relu(self.bn(x))
        if self.gate is not None:
            h = self.gate(h)
            if h is None:
                return None
        return self.conv(h)

    def kl(self):
        g = self.gate
        return K_REG / N_TRAIN * (1 - g.p) * self.conv.weight.pow(2).sum() + g.neg_entropy() / N_TRAIN


def make_paths(cin, cout, strategy):
    """S-path (1x1x1) and/or T-path (3x1x1, pad (1,0,0)) for one fusion position."""
    gated = strategy == "template"
    s = Path(cin, cout, (1, 1, 1), 0, gated) if strategy in ("template", "S", "S+ST") else None
    t = Path(cin, cout, (3, 1, 1), (1, 0, 0), gated) if strategy in ("template", "ST", "S+ST") else None
    return s, t


def fuse(x, s_path, t_path, cout):
    """Element-wise sum of the present, non-dropped path outputs (zeros if none)."""
    ys = [y for y in (s_path(x) if s_path else None, t_path(x) if t_path else None) if y is not None]
    if not ys:
        return x.new_zeros((x.shape[0], cout) + tuple(x.shape[2:]))
    return ys[0] if len(ys) == 1 else ys[0] + ys[1]


# --------------------------------------------------------------------------------------------
# Template network ("v1d3" 3D DenseNet; temporal stride 1 everywhere)
# --------------------------------------------------------------------------------------------

class DenseLayer(nn.Module):
    """x(C) -> [S-path C->bn*g] + [T-path C->bn*g] -> BN -> ReLU -> Conv 1x3x3 -> g; concat(x, new)."""

    def __init__(self, cin, growth, bn_size, strategy):
        super().__init__()
        self.width = bn_size * growth
        self.s_path, self.t_path = make_paths(cin, self.width, strategy)
        self.bn = nn.BatchNorm3d(self.width)
        self.conv = nn.Conv3d(self.width, growth, (1, 3, 3), padding=(0, 1, 1), bias=False)

    def forward(self, x):
        y = fuse(x, self.s_path, self.t_path, self.width)
        return torch.cat([x, self.conv(F.relu(self.bn(y)))], 1)


class Transition(nn.Module):
    """x(C) -> [S-path C->C/2] + [T-path C->C/2] -> AvgPool (1,2,2).  No BN after the sum."""

    def __init__(self, cin, strategy):
        super().__init__()
        self.cout = cin // 2
        self.s_path, self.t_path = make_paths(cin, self.cout, strategy)

    def forward(self, x):
        return F.avg_pool3d(fuse(x, self.s_path, self.t_path, self.cout), (1, 2, 2), (1, 2, 2))


class FusionDenseNet3D(nn.Module):
    """strategy "template": both paths everywhere, each with a v-DropPath gate, plus concrete
    dropout on the classifier input.  "S" / "ST" / "S+ST": the fixed-strategy network with only
    the corresponding convs and no gates (same parameter names, so template weights load into it).
    """

    def __init__(self, cfg: Config, strategy="template"):
        super().__init__()
        assert strategy in STRATEGIES
        self.cfg, self.strategy = cfg, strategy
        c = cfg.init_features
        self.stem_conv = nn.Conv3d(3, c, (5, 7, 7), stride=(1, 2, 2), padding=(2, 3, 3), bias=False)
        self.stem_bn = nn.BatchNorm3d(c)
        stages = []
        for b, n_layers in enumerate(cfg.blocks):
            for _ in range(n_layers):
                stages.append(DenseLayer(c, cfg.growth, cfg.bn_size, strategy))
                c += cfg.growth
            if b != len(cfg.blocks) - 1:
                stages.append(Transition(c, strategy))
                c //= 2
        self.stages = nn.Sequential(*stages)
        self.head_bn = nn.BatchNorm3d(c)
        self.fc_gate = DropGate(features=c) if strategy == "template" else None
        self.fc = nn.Linear(c, cfg.classes)
        self._init_weights()

    def _init_weights(self):
        # Random init; load_state_dict replaces it.  BN gamma=1.
        for m in self.modules():
            if isinstance(m, nn.Conv3d):
                nn.init.kaiming_normal_(m.weight)
            elif isinstance(m, nn.BatchNorm3d):
                nn.init.ones_(m.weight)
                nn.init.zeros_(m.bias)
        nn.init.zeros_(self.fc.bias)

    def forward(self, x):
        x = F.relu(self.stem_bn(self.stem_conv(x)))
        x = F.max_pool3d(x, 3, (1, 2, 2), 1)
        x = self.stages(x)
        x = F.adaptive_avg_pool3d(F.relu(self.head_bn(x)), 1).flatten(1)
        if self.fc_gate is not None:
            x = self.fc_gate(x)
        return self.fc(x)

    # ---- v-DropPath helpers (template only) ----
    def paths(self):
        """Gated conv paths in network order: (name, Path), S before T at each position."""
        return [(n, m) for n, m in self.named_modules() if isinstance(m, Path) and m.gate is not None]

    def gates(self):
        return [m for m in self.modules() if isinstance(m, DropGate)]

    def set_mode(self, mode):
        assert mode in ("train", "sample")
        for g in self.gates():
            g.mode = mode

    def set_strategy_masks(self, path_keep, fc_keep=None):
        """Hard masks for sample mode: path_keep = 0/1 per gated path (order of paths()),
        fc_keep = 0/1 per classifier input feature (default: all kept)."""
        paths = self.paths()
        assert len(path_keep) == len(paths)
        for (_, m), k in zip(paths, path_keep):
            m.gate.set_hard_keep(k)
        self.fc_gate.set_hard_keep(torch.ones(self.fc.in_features) if fc_keep is None else fc_keep)

    def draw_strategy(self, generator=None):
        """One strategy as in the original selection code: drop = floor(u + p), keep = 1 - drop."""
        with torch.no_grad():
            ps = torch.stack([m.gate.p for _, m in self.paths()])
            path_keep = 1 - torch.floor(torch.rand(ps.shape, generator=generator) + ps)
            fc_keep = 1 - torch.floor(torch.rand(self.fc.in_features, generator=generator) + self.fc_gate.p)
        return path_keep.tolist(), fc_keep

    def kl(self):
        """Sum of per-module regularisers (the authors' code form of Eq. 5): for every gated module
        (k/N)(1-p)sum(w^2) + (C/N)(p ln p + (1-p) ln(1-p)), C = 1 for conv paths, C_in for the fc."""
        reg = sum(m.kl() for _, m in self.paths())
        g = self.fc_gate
        return reg + K_REG / N_TRAIN * (1 - g.p) * self.fc.weight.pow(2).sum() \
            + self.fc.in_features * g.neg_entropy() / N_TRAIN


# --------------------------------------------------------------------------------------------
