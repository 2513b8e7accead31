import torchvision.models as m
for name, ctor in [("densenet121", m.densenet121), ("resnet50", m.resnet50), ("resnext50_32x4d", m.resnext50_32x4d), ("mobilenet_v2", m.mobilenet_v2)]:
    sd = ctor().state_dict()
    with open(name + ".keys", "w") as f:
        f.write("# torchvision %s state_dict: key, shape (torchvision 0.14)\n" % name)
        for k, v in sd.items():
            f.write("%s\t%s\n" % (k, ",".join(str(s) for s in v.shape)))
    print(name, len(sd))
