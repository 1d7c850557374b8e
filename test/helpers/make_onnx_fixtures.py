"""Writes ONNX fixtures and PyTorch's own logits for them into the folder given as argv[1].

Each model is built with seeded random weights (torchvision's architectures download nothing with
weights=None), put in eval mode, exported with torch.onnx.export with and without constant folding
at two opsets, and evaluated by PyTorch on a few seeded random inputs: <name>.onnx next to
<name>.json = {"input": [N, C, H, W], "inputs": [flat NCHW floats], "logits": [[...], ...],
"gradientClass": k, "gradient": [d logit_k / d input, first input, flat NCHW], "guided": [the same
by guided backpropagation], "inner": module name, "innerGradient": [d logit_k / d that module's output],
"channelsLast": the input (and gradients) are NHWC, not NCHW}.
argv[2:] picks models (default: all), each as name or name:setting,setting (a setting is
opset<N>-folded or opset<N>-unfolded, with -static for a fixed batch of 1 instead of a dynamic
batch axis; default: opsets 11 and 13, both ways, dynamic batch). Also writes the bad-input fixtures (an unsupported op,
external data escaping the folder) with onnx.helper ("bad"), and small_cnn with external data
("external", after "small_cnn").
"""
import json
import os
import sys

import numpy as np
import onnx
import torch
import torch.nn as nn
import torchvision
from onnx import TensorProto, helper


class SmallCnn(nn.Module):
    """conv-bn-relu-maxpool x2, flatten, linear-relu-linear: the typical hand-written classifier.
    The second BatchNorm follows the ReLU (and one follows fc1), so the exporter cannot fold them
    into a convolution: the ONNX file keeps BatchNormalization nodes."""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 8, 3, padding=1)
        self.bn1 = nn.BatchNorm2d(8)
        self.conv2 = nn.Conv2d(8, 16, 3, padding=1)
        self.bn2 = nn.BatchNorm2d(16)
        self.pool = nn.MaxPool2d(2)
        self.fc1 = nn.Linear(16 * 8 * 8, 32)
        self.bn3 = nn.BatchNorm1d(32)
        self.fc2 = nn.Linear(32, 10)

    def forward(self, x):
        x = self.pool(torch.relu(self.bn1(self.conv1(x))))
        x = self.pool(self.bn2(torch.relu(self.conv2(x))))
        x = x.view(x.size(0), -1)
        return self.fc2(self.bn3(torch.relu(self.fc1(x))))


class GuidedClip(torch.autograd.Function):
    """ReLU / ReLU6 with guided backpropagation's rule: g_in = g_out * [0 < x < max] * [g_out > 0]."""

    @staticmethod
    def forward(ctx, x, top):
        ctx.save_for_backward(x)
        ctx.top = top
        return x.clamp(0, top)

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        return g * ((x > 0) & (x < ctx.top)) * (g > 0), None


def guided_gradient(model, x, k):
    """Guided backpropagation of logit k at input x: every ReLU, ReLU6 and hard sigmoid goes through GuidedClip."""
    saved = torch.relu, nn.functional.relu, nn.functional.hardtanh, nn.functional.hardsigmoid, nn.functional.hardswish
    torch.relu = lambda t: GuidedClip.apply(t, float("inf"))
    nn.functional.relu = lambda t, inplace=False: GuidedClip.apply(t, float("inf"))
    nn.functional.hardtanh = lambda t, min_val=-1.0, max_val=1.0, inplace=False: GuidedClip.apply(t, max_val)
    # Hard sigmoid is a ReLU clipped at 1 after x / 6 + 1/2, and VEBI applies the rule at that ReLU.
    nn.functional.hardsigmoid = lambda t, inplace=False: GuidedClip.apply(t / 6 + 0.5, 1.0)
    nn.functional.hardswish = lambda t, inplace=False: t * GuidedClip.apply(t / 6 + 0.5, 1.0)
    try:
        x = x.clone().requires_grad_(True)
        model(x)[0, k].backward()
        return x.grad
    finally:
        torch.relu, nn.functional.relu, nn.functional.hardtanh, nn.functional.hardsigmoid, nn.functional.hardswish = saved


# Random BatchNorm statistics (variance, scale ranges) per model: wide enough that a wrong BatchNorm
# conversion shows in the logits, narrow enough that the deep inverted-residual stacks neither fade
# out (input gradients ~1e-11 with the default) nor explode.
BN_RANGES = {"mobilenet_v2": (0.2, 0.5, 0.8, 1.6), "mobilenet_v3_small": (0.2, 0.5, 0.8, 1.6), "efficientnet_b0": (0.2, 0.5, 0.8, 1.6)}


def randomize_bn(model, name):
    """Random running statistics, so that a wrong BatchNorm conversion shows in the logits."""
    var_lo, var_hi, scale_lo, scale_hi = BN_RANGES.get(name, (0.5, 2.0, 0.5, 1.5))
    for m in model.modules():
        if isinstance(m, (nn.BatchNorm1d, nn.BatchNorm2d)):
            m.running_mean.uniform_(-0.5, 0.5)
            m.running_var.uniform_(var_lo, var_hi)
            m.weight.data.uniform_(scale_lo, scale_hi)
            m.bias.data.uniform_(-0.5, 0.5)


class OpsCnn(nn.Module):
    """The less common operators: scalar arithmetic, LeakyReLU, SiLU (x * sigmoid(x)), a dilated
    convolution without bias, padded average pooling, channel concatenation, global max pooling,
    x.mean((2, 3)), MatMul + Add."""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 8, 3, padding=1)
        self.conv2 = nn.Conv2d(8, 8, 5, stride=2, padding=2)
        self.dilated = nn.Conv2d(8, 8, 3, padding=2, dilation=2, bias=False)
        self.branch = nn.Conv2d(8, 4, 1)
        self.pool = nn.AvgPool2d(3, stride=1, padding=1)
        self.weight = nn.Parameter(torch.randn(24, 10) * 0.3)
        self.bias = nn.Parameter(torch.randn(10))

    def forward(self, x):
        x = (x - 0.5) / 0.25
        x = nn.functional.leaky_relu(self.conv1(x), 0.1) * 2.0
        x = self.conv2(x)
        x = x * torch.sigmoid(x)
        x = self.dilated(x)
        x = torch.cat([self.pool(x), 1.0 - self.branch(x)], 1)
        x = torch.cat([torch.flatten(nn.functional.adaptive_max_pool2d(x, 1), 1), x.mean((2, 3))], 1)
        return torch.matmul(x, self.weight) + self.bias


class ChannelsLastCnn(nn.Module):
    """The pattern tf2onnx / keras2onnx write for a Keras model: a channels-last (NHWC) input,
    Transposes around the convolutions, and a Flatten in channels-last order before the Dense."""

    CHANNELS_LAST = True

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 8, 3, padding=1)
        self.pool = nn.MaxPool2d(2)
        self.fc = nn.Linear(8 * 8 * 8, 10)

    def forward(self, x):
        y = self.pool(torch.relu(self.conv1(x.permute(0, 3, 1, 2))))
        y = torch.relu(y.permute(0, 2, 3, 1))
        return self.fc(y.reshape(y.shape[0], -1))


class WithSoftmax(nn.Module):
    """A classifier exported with its probabilities: VEBI's class score is the logit before them."""

    def __init__(self, inner):
        super().__init__()
        self.inner = inner

    def forward(self, x):
        return torch.softmax(self.inner(x), dim=1)


def small_cnn():
    return SmallCnn(), (3, 32, 32)


def ops_cnn():
    return OpsCnn(), (3, 24, 24)


def channels_last_cnn():
    return ChannelsLastCnn(), (16, 16, 3)


def small_cnn_softmax():
    return WithSoftmax(SmallCnn()), (3, 32, 32)


def resnet18():
    return torchvision.models.resnet18(weights=None, num_classes=10), (3, 64, 64)


def mobilenet_v2():
    return torchvision.models.mobilenet_v2(weights=None, num_classes=10), (3, 64, 64)


def torchvision_model(name):
    return lambda: (getattr(torchvision.models, name)(weights=None, num_classes=10), (3, 64, 64))


MODELS = {"small_cnn": small_cnn, "small_cnn_softmax": small_cnn_softmax, "ops_cnn": ops_cnn, "channels_last_cnn": channels_last_cnn, "resnet18": resnet18, "mobilenet_v2": mobilenet_v2,
          **{name: torchvision_model(name) for name in ("squeezenet1_0", "mobilenet_v3_small", "efficientnet_b0", "densenet121", "regnet_x_400mf")}}
SETTINGS = ["opset11-folded", "opset11-unfolded", "opset13-folded", "opset13-unfolded"]


# A module per model whose output is one converted layer's output (BatchNorm folded into a conv by the
# exporter would make a conv's own output differ): the gradient is also compared there.
INNER = {"small_cnn": "conv2", "resnet18": "layer2", "mobilenet_v2": "features.3", "densenet121": "features.transition1"}


def inner_output(model, name):
    """Keeps the output of module `name` (once, from the next forward pass) with its gradient."""
    kept = {}
    if name is None:
        return kept

    def hook(_module, _inputs, output):
        output.retain_grad()
        kept["output"] = output
        handle.remove()

    handle = dict(model.named_modules())[name].register_forward_hook(hook)
    return kept


def write_model(out, name, build, settings, inputs=3):
    torch.manual_seed(0)
    model, shape = build()
    randomize_bn(model, name)
    model.eval()
    x = torch.randn(inputs, *shape)
    scores = getattr(model, "inner", model)  # the logits, also where the export ends in a softmax
    with torch.no_grad():
        logits = scores(x)
    # torch.autograd's gradient of the first input's top class score (NCHW): never a dead ReLU output.
    k = int(logits[0].argmax())
    first = x[:1].clone().requires_grad_(True)
    inner = inner_output(scores, INNER.get(name))
    scores(first)[0, k].backward()
    inner_gradient = inner["output"].grad.flatten().tolist() if "output" in inner else None
    guided = guided_gradient(scores, x[:1], k)
    for setting in settings:
        parts = setting.split("-")
        opset, folding, static = int(parts[0][len("opset"):]), parts[1] == "folded", "static" in parts
        stem = f"{name}-{setting}"
        dynamic = None if static else {"input": {0: "batch"}, "logits": {0: "batch"}}
        torch.onnx.export(model, x[:1], os.path.join(out, stem + ".onnx"), opset_version=opset, do_constant_folding=folding,
                          input_names=["input"], output_names=["logits"], dynamic_axes=dynamic)
        with open(os.path.join(out, stem + ".json"), "w") as f:
            json.dump({"input": list(x.shape), "inputs": x.flatten().tolist(), "logits": logits.tolist(), "gradientClass": k, "gradient": first.grad.flatten().tolist(),
                       "guided": guided.flatten().tolist(), "inner": INNER.get(name), "innerGradient": inner_gradient,
                       "channelsLast": getattr(model, "CHANNELS_LAST", False)}, f)


def write_bad(out):
    """A graph with an op outside ONNX ('Foo'), and one whose weights point outside its folder."""
    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 3, 8, 8])
    y = helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 3, 8, 8])
    foo = helper.make_graph([helper.make_node("Relu", ["x"], ["r"], name="first_relu"), helper.make_node("Foo", ["r"], ["y"], name="my_foo")], "foo", [x], [y])
    onnx.save(helper.make_model(foo, opset_imports=[helper.make_opsetid("", 13)]), os.path.join(out, "bad-foo-op.onnx"))

    w = TensorProto(name="w", data_type=TensorProto.FLOAT, dims=[4, 3, 3, 3])
    w.data_location = TensorProto.EXTERNAL
    for key, value in (("location", "../x"), ("offset", "0"), ("length", str(4 * 3 * 3 * 3 * 4))):
        entry = w.external_data.add()
        entry.key, entry.value = key, value
    conv = helper.make_graph([helper.make_node("Conv", ["x", "w"], ["y"], name="conv")], "escape", [x], [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 4, 6, 6])], [w])
    onnx.save(helper.make_model(conv, opset_imports=[helper.make_opsetid("", 13)]), os.path.join(out, "bad-external-escape.onnx"))


class Upsampling(nn.Module):
    """A real PyTorch op VEBI does not convert: F.interpolate exports as Resize."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 4, 3)

    def forward(self, x):
        return nn.functional.interpolate(self.conv(x), scale_factor=2.0).mean((2, 3))


class PaddedPoolOnSigned(nn.Module):
    """Max pooling with padding on values that can be negative (no ReLU before it)."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 4, 3)
        self.pool = nn.MaxPool2d(3, stride=2, padding=1)

    def forward(self, x):
        return torch.flatten(self.pool(self.conv(x)), 1)


class ExclusiveAverage(nn.Module):
    """Average pooling that leaves the padding out: TF.js's gradient of it is wrong at the borders."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 4, 3)
        self.pool = nn.AvgPool2d(3, stride=1, padding=1, count_include_pad=False)

    def forward(self, x):
        return torch.flatten(self.pool(self.conv(x)), 1)


class TwoInputs(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(3 * 16 * 16, 10)

    def forward(self, x, y):
        return self.fc(torch.flatten(x + y, 1))


def write_refused(out):
    """Real torch.onnx.export files VEBI refuses: an op it does not convert, an inexact padding,
    two inputs, an output that is a feature map, not class scores, an image of dynamic size."""
    torch.manual_seed(0)
    x = torch.randn(1, 3, 16, 16)
    models = (("refused-resize", Upsampling()), ("refused-pool-padding", PaddedPoolOnSigned()), ("refused-feature-map-output", nn.Conv2d(3, 4, 3)),
              ("refused-exclusive-average", ExclusiveAverage()))
    for name, model in models:
        torch.onnx.export(model.eval(), x, os.path.join(out, name + ".onnx"), opset_version=13)
    torch.onnx.export(PaddedPoolOnSigned().eval(), x, os.path.join(out, "refused-dynamic-size.onnx"), opset_version=13, input_names=["image"],
                      dynamic_axes={"image": {0: "batch", 2: "height", 3: "width"}})
    torch.onnx.export(TwoInputs().eval(), (x, x), os.path.join(out, "refused-two-inputs.onnx"), opset_version=13)


def write_external(out):
    """small_cnn with every weight in small_cnn-external.onnx.data (as exports above 2 GB are)."""
    model = onnx.load(os.path.join(out, "small_cnn-opset13-folded.onnx"))
    onnx.save_model(model, os.path.join(out, "small_cnn-external.onnx"), save_as_external_data=True, all_tensors_to_one_file=True,
                    location="small_cnn-external.onnx.data", size_threshold=0)


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    torch.set_num_threads(1)
    for name in sys.argv[2:] or list(MODELS):
        if name == "bad":
            write_bad(out)
            write_refused(out)
        elif name == "external":
            write_external(out)
        else:
            model, _, settings = name.partition(":")
            write_model(out, model, MODELS[model], settings.split(",") if settings else SETTINGS)


if __name__ == "__main__":
    main()
