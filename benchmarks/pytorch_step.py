#!/usr/bin/python3
"""The PyTorch reference for `./balms bench`: a ResNet-32 training step and an evaluation forward pass, timed.

The training step (cross-entropy, backward, SGD with momentum 0.9 and weight decay 5e-4) runs on one fixed synthetic
batch, timed after warm-up steps; the evaluation pass (eval mode, no gradients) likewise on one fixed batch. With --bf16
the forward passes run under torch.autocast(bfloat16), PyTorch's mixed precision.
Prints one JSON object on stdout ({"unavailable": reason} when torch cannot be imported).

ResNet-32 as the original BALMS code's CIFAR network: 3x3 stem with 16 channels, three stages of five basic blocks
(widths 16/32/64, stride 2 at the start of stages 2 and 3, parameter-free "option A" shortcut), global average pooling
to 64 features, then a linear classifier; Kaiming-normal (fan-in) convolution weights.
"""
import argparse
import json
import sys
import time

try:
    import torch
    import torch.nn as nn
    import torch.nn.functional as F
except ImportError as error:
    # Not a failure: the caller leaves the PyTorch figures out.
    print(json.dumps({"unavailable": f"cannot import torch ({error})"}))
    sys.exit(0)


def conv3x3(inputs, outputs, stride=1):
    return nn.Conv2d(inputs, outputs, kernel_size=3, stride=stride, padding=1, bias=False)


class Block(nn.Module):
    def __init__(self, inputs, planes, stride):
        super().__init__()
        self.conv1 = conv3x3(inputs, planes, stride)
        self.bn1 = nn.BatchNorm2d(planes)
        self.conv2 = conv3x3(planes, planes)
        self.bn2 = nn.BatchNorm2d(planes)
        # Option A: subsample by 2 and zero-pad the channels (planes // 4 on each side).
        self.pad = planes // 4 if stride != 1 or inputs != planes else 0

    def forward(self, x):
        shortcut = x
        if self.pad:
            shortcut = F.pad(x[:, :, ::2, ::2], (0, 0, 0, 0, self.pad, self.pad))
        out = F.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        return F.relu(out + shortcut)


class ResNet32(nn.Module):
    def __init__(self, channels, classes):
        super().__init__()
        self.conv1 = conv3x3(channels, 16)
        self.bn1 = nn.BatchNorm2d(16)
        layers, inputs = [], 16
        for planes, stride in ((16, 1), (32, 2), (64, 2)):
            for block in range(5):
                layers.append(Block(inputs, planes, stride if block == 0 else 1))
                inputs = planes
        self.layers = nn.Sequential(*layers)
        self.fc = nn.Linear(64, classes)
        for module in self.modules():
            if isinstance(module, nn.Conv2d):
                nn.init.kaiming_normal_(module.weight, mode="fan_in", nonlinearity="relu")

    def forward(self, x):
        x = F.relu(self.bn1(self.conv1(x)))
        x = self.layers(x)
        return self.fc(x.mean((2, 3)))


def timed(work, warmup, repetitions):
    """Seconds that `repetitions` calls of `work` take after `warmup` untimed calls."""
    for _ in range(warmup):
        work()
    start = time.perf_counter()
    for _ in range(repetitions):
        work()
    return time.perf_counter() - start


def peak_rss_mb():
    """VmHWM of this process. (getrusage's ru_maxrss is no use here: after fork and exec it still holds the peak of the
    process that started this one when that was larger.)"""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return 0.0


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, required=True)
    parser.add_argument("--batch", type=int, default=128)
    parser.add_argument("--size", type=int, default=32)
    parser.add_argument("--channels", type=int, default=3)
    parser.add_argument("--classes", type=int, default=10)
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--steps", type=int, default=10)
    parser.add_argument("--eval-batch", type=int, default=256)
    parser.add_argument("--eval-steps", type=int, default=4)
    parser.add_argument("--channels-last", action="store_true")
    parser.add_argument("--bf16", action="store_true", help="mixed precision: the forward pass under bfloat16 autocast")
    args = parser.parse_args()

    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    model = ResNet32(args.channels, args.classes)
    images = torch.randn(args.batch, args.channels, args.size, args.size)
    labels = torch.randint(0, args.classes, (args.batch,))
    if args.channels_last:
        model = model.to(memory_format=torch.channels_last)
        images = images.contiguous(memory_format=torch.channels_last)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9, weight_decay=5e-4)
    model.train()

    def step():
        with torch.autocast("cpu", dtype=torch.bfloat16, enabled=args.bf16):
            logits = model(images)
        loss = F.cross_entropy(logits.float(), labels)
        optimizer.zero_grad()
        loss.backward()
        # As the Balms trainer: the loss and the number of correct predictions are read every step.
        loss.item()
        (logits.argmax(1) == labels).sum().item()
        optimizer.step()

    train_seconds = timed(step, args.warmup, args.steps)

    eval_images = torch.randn(args.eval_batch, args.channels, args.size, args.size)
    if args.channels_last:
        eval_images = eval_images.contiguous(memory_format=torch.channels_last)
    model.eval()

    def evaluate():
        with torch.no_grad(), torch.autocast("cpu", dtype=torch.bfloat16, enabled=args.bf16):
            model(eval_images).argmax(1)

    eval_seconds = timed(evaluate, 1, args.eval_steps)
    print(json.dumps({
        "train_images_per_s": args.batch * args.steps / train_seconds,
        "eval_images_per_s": args.eval_batch * args.eval_steps / eval_seconds,
        "peak_rss_mb": peak_rss_mb(),
        "steps": args.steps,
        "threads": torch.get_num_threads(),
        "channels_last": args.channels_last,
        "bf16": args.bf16,
        "torch_version": torch.__version__,
    }))


if __name__ == "__main__":
    main()
