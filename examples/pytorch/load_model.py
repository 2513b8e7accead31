#!/usr/bin/env python3
"""Load a network written by `stfusion export` into PyTorch's FusionDenseNet3D and run it.

    python3 load_model.py MODEL.safetensors [--clips CLIPS.npy] [--compare LOGITS.npy] [--model-code FILE.py]

The model is FusionDenseNet3D of fusion_densenet3d.py beside this script (--model-code names another file that
defines FusionDenseNet3D and Config with the same parameter names); MODEL.json, the sidecar, must lie beside
MODEL.safetensors.
The script builds FusionDenseNet3D(Config(**config), strategy) as the sidecar's "pytorch" section says, sets the
paths a strategy does not keep to None, loads the state dict with strict=True and, given clips [N, C, T, H, W],
prints every clip's most probable classes. --compare prints the largest difference from logits written by
`stfusion predict ... --out LOGITS.npy` for the same clips.

Where the run's network differs from the model's fixed kernels (the synthetic examples use a 1-frame stem and stem
pool), the modules are rebuilt with the run's kernels ("temporalKernels" in the sidecar) before loading.
Reads safetensors with the `safetensors` package when it is installed, else with the few lines below.
"""

import argparse
import importlib.util
import json
import struct
import sys
from pathlib import Path

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


def load_safetensors(path):
    try:
        from safetensors.torch import load_file
        return load_file(str(path))
    except ImportError:
        pass
    dtypes = {"F32": "<f4", "F64": "<f8", "I64": "<i8"}
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
        data = f.read()
    tensors = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        begin, end = info["data_offsets"]
        array = np.frombuffer(data[begin:end], dtype=np.dtype(dtypes[info["dtype"]])).reshape(info["shape"])
        tensors[name] = torch.from_numpy(array.copy())
    return tensors


def import_model_code(path):
    spec = importlib.util.spec_from_file_location("fusion_densenet3d", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def build(code, sidecar):
    py = sidecar.get("pytorch")
    if py is None:
        sys.exit("this export keeps stfusion's own tensor names (" + sidecar.get("whyNotPeer", "") + "); "
                 "there is no PyTorch FusionDenseNet3D to load it into")
    config = dict(py["config"], blocks=tuple(py["config"]["blocks"]))
    model = code.FusionDenseNet3D(code.Config(**config), py["strategy"])
    for name in py.get("remove", []):
        parent, attr = name.rsplit(".", 1)
        setattr(model.get_submodule(parent), attr, None)
    kernels = py["temporalKernels"]
    k = kernels["stemTemporal"]
    if k != 5:
        model.stem_conv = nn.Conv3d(3, config["init_features"], (k, 7, 7), stride=(1, 2, 2), padding=(k // 2, 3, 3),
                                    bias=False)
    p = kernels["stemPoolTemporal"]
    if p != 3:
        # FusionDenseNet3D.forward pools with a fixed 3x3x3 kernel; this one pools as the run did.
        def forward(x, model=model):
            x = F.relu(model.stem_bn(model.stem_conv(x)))
            x = F.max_pool3d(x, (p, 3, 3), (1, 2, 2), (p // 2, 1, 1))
            x = model.stages(x)
            x = F.adaptive_avg_pool3d(F.relu(model.head_bn(x)), 1).flatten(1)
            if model.fc_gate is not None:
                x = model.fc_gate(x)
            return model.fc(x)
        model.forward = forward
    t = kernels["pathTemporal"]
    if t != 3:
        for stage in model.stages:
            if stage.t_path is not None:
                conv = stage.t_path.conv
                stage.t_path.conv = nn.Conv3d(conv.in_channels, conv.out_channels, (t, 1, 1), padding=(t // 2, 0, 0),
                                              bias=False)
    return model


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("model", type=Path, help="MODEL.safetensors written by stfusion export")
    ap.add_argument("--clips", type=Path, help="clips [N, C, T, H, W] as float32 .npy")
    ap.add_argument("--compare", type=Path, help="logits [N, classes] from stfusion predict --out LOGITS.npy")
    ap.add_argument("--top", type=int, default=3)
    ap.add_argument("--model-code", type=Path, default=Path(__file__).with_name("fusion_densenet3d.py"),
                    help="the file defining FusionDenseNet3D and Config (default: fusion_densenet3d.py beside this script)")
    args = ap.parse_args()

    sidecar = json.loads(args.model.with_suffix(".json").read_text())
    code = import_model_code(args.model_code)
    model = build(code, sidecar)
    result = model.load_state_dict(load_safetensors(args.model), strict=True)
    print(f"loaded {args.model} with strict=True ({result}): {sum(p.numel() for p in model.parameters()):,} parameters")
    model.eval()
    if sidecar["pytorch"]["strategy"] == "template":
        model.set_mode("sample")  # every path kept; set_strategy_masks(path_keep) for a strategy
    if args.clips is None:
        return
    clips = torch.from_numpy(np.load(args.clips)).float()
    with torch.no_grad():
        logits = model(clips)
    classes = sidecar["classes"]
    probabilities = torch.softmax(logits.double(), 1)
    for i, row in enumerate(probabilities):
        best = torch.argsort(row, descending=True)[:args.top]
        print(f"clip {i}:" + "".join(f"  {classes[c]} {100 * row[c]:.1f}%" for c in best.tolist()))
    if args.compare is not None:
        theirs = torch.from_numpy(np.load(args.compare)).double()
        diff = (logits.double() - theirs).abs().max().item()
        print(f"max |logit difference| vs {args.compare}: {diff:.3e} (largest |logit| {theirs.abs().max().item():.3f})")


if __name__ == "__main__":
    main()
