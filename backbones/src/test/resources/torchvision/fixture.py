# Writes the torchvision fixture of InflationTest: a tiny torchvision DenseNet (growth 4, blocks (2, 2), 8 initial
# features, bn_size 2) with random weights and batch-norm statistics, its state_dict as safetensors, and the features
# torchvision computes for one random 3x32x32 frame (relu(model.features(x)), before the pooling).
import json, struct, torch, torchvision
import torch.nn.functional as F

def save(path, tensors):
    header, blobs, offset = {}, [], 0
    order = sorted(tensors.items(), key=lambda kv: (0 if kv[1].dtype == torch.int64 else 1, kv[0]))
    for name, t in order:
        t = t.contiguous()
        dtype = {torch.float32: "F32", torch.int64: "I64"}[t.dtype]
        data = t.numpy().tobytes()
        header[name] = {"dtype": dtype, "shape": list(t.shape), "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    h = json.dumps(header, separators=(",", ":")).encode()
    h += b" " * ((8 - len(h) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)))
        f.write(h)
        for b in blobs:
            f.write(b)

torch.manual_seed(20200)
m = torchvision.models.DenseNet(growth_rate=4, block_config=(2, 2), num_init_features=8, bn_size=2, num_classes=5)
for mod in m.modules():
    if isinstance(mod, torch.nn.BatchNorm2d):
        with torch.no_grad():
            mod.weight.uniform_(0.5, 1.5)
            mod.bias.normal_(0, 0.2)
            mod.running_mean.normal_(0, 0.2)
            mod.running_var.uniform_(0.5, 1.5)
m.eval()
x = torch.randn(1, 3, 32, 32)
with torch.no_grad():
    y = F.relu(m.features(x))
save("densenet-tiny.safetensors", dict(m.state_dict()))
save("densenet-tiny-features.safetensors", {"frame": x[0], "features": y[0]})
print(y.shape, len(m.state_dict()))
