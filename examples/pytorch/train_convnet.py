#!/usr/bin/env python3
"""A small deterministic PyTorch training job, for running under gpuswap.

It trains a VGG-style convolutional network on synthetic data and prints every
step's loss with its IEEE bit pattern, so that a run under gpuswap can be
compared bit for bit with a run without it. Nothing in it knows of gpuswap:

    python3 examples/pytorch/train_convnet.py --batch 64 --steps 10
    gpuswap run --config policy.yaml -- python3 examples/pytorch/train_convnet.py --batch 64

The last lines report PyTorch's own peak memory figures (what a policy file's
device_budget is compared with) and the throughput.
"""

import argparse
import os
import struct
import sys
import time

# cuBLAS is deterministic only with a fixed workspace configuration, which must
# be set before CUDA is initialised.
os.environ.setdefault("CUBLAS_WORKSPACE_CONFIG", ":4096:8")

import torch  # noqa: E402  (after the environment above)
import torch.nn as nn  # noqa: E402


def bits(value: float) -> str:
    return "0x" + struct.pack(">f", value).hex()


def make_model(widths, classes, image):
    layers = []
    channels = 3
    for width in widths:
        layers += [nn.Conv2d(channels, width, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2)]
        channels = width
        image //= 2
    layers += [nn.Flatten(), nn.Linear(channels * image * image, classes)]
    return nn.Sequential(*layers)


def batch_of(step, batch, classes, image, generator):
    # Every class lights a band of rows in channel 0 on top of uniform noise,
    # so the loss falls within a few steps.
    labels = torch.randint(0, classes, (batch,), generator=generator)
    images = torch.rand((batch, 3, image, image), generator=generator)
    band = image // classes if image >= classes else 1
    for i in range(batch):
        row = int(labels[i]) * band % image
        images[i, 0, row:row + band, :] += 1.0
    return images, labels


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batch", type=int, default=64)
    parser.add_argument("--steps", type=int, default=8)
    parser.add_argument("--image", type=int, default=64)
    parser.add_argument("--widths", default="32,64,128")
    parser.add_argument("--classes", type=int, default=10)
    parser.add_argument("--lr", type=float, default=0.05)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    if not torch.cuda.is_available():
        print("train_convnet: no CUDA device", file=sys.stderr)
        return 1
    torch.manual_seed(args.seed)
    torch.backends.cudnn.benchmark = False
    torch.backends.cudnn.deterministic = True
    torch.use_deterministic_algorithms(True)

    widths = [int(w) for w in args.widths.split(",")]
    device = torch.device("cuda")
    model = make_model(widths, args.classes, args.image).to(device)
    optimizer = torch.optim.SGD(model.parameters(), lr=args.lr)
    loss_fn = nn.CrossEntropyLoss()
    generator = torch.Generator().manual_seed(args.seed)

    print(f"train_convnet: batch {args.batch}, image 3x{args.image}x{args.image}, "
          f"widths {args.widths}, classes {args.classes}, steps {args.steps}, "
          f"torch {torch.__version__}, cuda {torch.version.cuda}, "
          f"device {torch.cuda.get_device_name(0)}")
    torch.cuda.synchronize()
    started = time.perf_counter()
    for step in range(args.steps):
        images, labels = batch_of(step, args.batch, args.classes, args.image, generator)
        images = images.to(device, non_blocking=False)
        labels = labels.to(device, non_blocking=False)
        optimizer.zero_grad(set_to_none=True)
        loss = loss_fn(model(images), labels)
        loss.backward()
        optimizer.step()
        value = loss.item()
        print(f"step {step} loss {value:.9g} ({bits(value)})")
    torch.cuda.synchronize()
    elapsed = time.perf_counter() - started
    mib = 1 << 20
    print(f"peak memory: {torch.cuda.max_memory_allocated() / mib:.2f} MiB allocated, "
          f"{torch.cuda.max_memory_reserved() / mib:.2f} MiB reserved")
    print(f"throughput: {args.steps} steps in {elapsed:.3f} s, {args.steps / elapsed:.2f} steps/s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
