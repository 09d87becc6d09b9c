"""PyTorch reference of the training step that `vaease bench` times (the same models, losses and Adam).

Run by the bench as a child process: argv[1] is the configuration as JSON. It first gives PyTorch its best
thread setting on this machine (intra-op threads 1 or `threads`, with OpenBLAS on `threads` through
OPENBLAS_NUM_THREADS, set by the bench; with "probe_threads" false it takes `threads`), runs "warmup" steps,
prints "ready T P F" (the intra-op threads chosen, the parameter count, the FLOPs of one step counted as
vaease's StepCost counts them) and then reads a number N per line from stdin, runs N training steps and
prints their wall time in seconds.

With `--describe CONFIGS` (a JSON list of configurations) it prints "P F" for each model and exits: what the
tests compare with ours.
"""
import ctypes
import gzip
import json
import math
import signal
import sys
import time

import numpy as np

import torch
import torch.nn as nn
import torch.nn.functional as F


class DownBlock(nn.Module):
    """PReLU(BN(Conv3x3(PReLU(BN(Conv3x3/2(x))))) + BN(Conv1x1/2(x))), as src/VAEase/Networks/DownBlock.cs."""

    def __init__(self, cin, cout):
        super().__init__()
        self.body = nn.Sequential(nn.Conv2d(cin, cout, 3, stride=2, padding=1), nn.BatchNorm2d(cout), nn.PReLU(cout),
                                  nn.Conv2d(cout, cout, 3, padding=1), nn.BatchNorm2d(cout))
        self.skip = nn.Sequential(nn.Conv2d(cin, cout, 1, stride=2), nn.BatchNorm2d(cout))
        self.act = nn.PReLU(cout)

    def forward(self, x):
        return self.act(self.body(x) + self.skip(x))


class UpBlock(nn.Module):
    """PReLU(BN(Conv3x3(PReLU(BN(ConvT4x4/2(x))))) + nearest-upsampled x), as src/VAEase/Networks/UpBlock.cs."""

    def __init__(self, c):
        super().__init__()
        self.body = nn.Sequential(nn.ConvTranspose2d(c, c, 4, stride=2, padding=1), nn.BatchNorm2d(c), nn.PReLU(c),
                                  nn.Conv2d(c, c, 3, padding=1), nn.BatchNorm2d(c))
        self.act = nn.PReLU(c)

    def forward(self, x):
        return self.act(self.body(x) + x.repeat_interleave(2, 2).repeat_interleave(2, 3))


class ConvEncoder(nn.Module):
    """x [n, side^2] -> conv stem -> down-blocks 16->16, 16->32 -> spatial mean -> MLP head, as ConvEncoder.cs."""

    def __init__(self, d, out):
        super().__init__()
        self.side = math.isqrt(d)
        self.stem = nn.Sequential(nn.Conv2d(1, 16, 3, padding=1), nn.BatchNorm2d(16), nn.PReLU(16))
        self.down1, self.down2 = DownBlock(16, 16), DownBlock(16, 32)
        self.head = nn.Sequential(nn.Linear(32, 32), nn.PReLU(32), nn.Linear(32, out))

    def forward(self, x):
        h = self.down2(self.down1(self.stem(x.view(-1, 1, self.side, self.side))))
        return self.head(h.mean([2, 3]))


class ConvDecoder(nn.Module):
    """code [n, kappa] -> Linear + ReLU -> [n, 16, side/4, side/4] -> two up-blocks -> output conv -> sigmoid, as ConvDecoder.cs."""

    def __init__(self, kappa, d):
        super().__init__()
        self.side = math.isqrt(d)
        self.dense = nn.Sequential(nn.Linear(kappa, 16 * (self.side // 4) ** 2), nn.ReLU())
        self.up1, self.up2 = UpBlock(16), UpBlock(16)
        self.output = nn.Sequential(nn.Conv2d(16, 1, 3, padding=1), nn.BatchNorm2d(1), nn.PReLU(1), nn.Sigmoid())

    def forward(self, code):
        h = self.dense(code).view(-1, 16, self.side // 4, self.side // 4)
        return self.output(self.up2(self.up1(h))).view(-1, self.side * self.side)


class ResidualBlock(nn.Module):
    """x + Swish(BN(Linear(Swish(BN(Linear(Swish(Linear(x)))))))), width w -> 4w -> 4w -> w, as ResidualBlock.cs."""

    def __init__(self, w):
        super().__init__()
        self.body = nn.Sequential(nn.Linear(w, 4 * w), nn.SiLU(), nn.Linear(4 * w, 4 * w), nn.BatchNorm1d(4 * w), nn.SiLU(),
                                  nn.Linear(4 * w, w), nn.BatchNorm1d(w), nn.SiLU())

    def forward(self, x):
        return x + self.body(x)


def encoder(kind, d, out, kappa):
    h = 2 * kappa
    if kind == "residual-conv":
        return ConvEncoder(d, out)
    if kind == "linear":
        return nn.Linear(d, out)
    if kind == "swish-mlp":
        return nn.Sequential(nn.Linear(d, h), nn.SiLU(), nn.Linear(h, h), nn.SiLU(),
                             nn.Linear(h, h), nn.SiLU(), nn.Linear(h, out))
    if kind == "one-layer":
        return nn.Sequential(nn.Linear(d, out), nn.SiLU())
    if kind == "residual-mlp":
        return nn.Sequential(nn.Linear(d, h), nn.BatchNorm1d(h), nn.SiLU(), *(ResidualBlock(h) for _ in range(3)), nn.Linear(h, out))
    raise SystemExit(f"reference.py: encoder {kind} is not mirrored")


class Model(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.c = c
        d, k = c["input_dim"], c["latent"]
        self.variational = c["kind"] in ("vaease", "vae")
        if self.variational:
            self.encoder = encoder(c["encoder"], d, 2 * k, k)
            self.logvar_head = nn.Linear(k, k) if c["encoder"] == "one-layer" else None
            self.log_gamma = nn.Parameter(torch.tensor(float(c["log_gamma_init"])))
        else:
            enc = "linear" if c["encoder"] == "one-layer" else c["encoder"]
            self.encoder = encoder(enc, d, k, k)
            if c["kind"] == "sae-jumprelu":
                self.log_threshold = nn.Parameter(torch.full((k,), math.log(c["jump_threshold"])))
        if c["decoder"] == "linear":
            self.decoder = nn.Linear(k, d)
        elif c["decoder"] == "residual-conv":
            self.decoder = ConvDecoder(k, d)
        elif c["decoder"] == "residual-mlp":
            self.decoder = nn.Sequential(nn.Linear(k, 2 * k), nn.SiLU(), *(ResidualBlock(2 * k) for _ in range(3)), nn.Linear(2 * k, d))
        else:
            raise SystemExit(f"reference.py: decoder {c['decoder']} is not mirrored")

    def loss(self, x):
        c, d, k = self.c, self.c["input_dim"], self.c["latent"]
        if self.variational:
            mu, raw = self.encoder(x).chunk(2, 1)
            if self.logvar_head is None:
                logvar = raw.clamp_max(0) if c["variance_bound"] == "clamp" else -F.softplus(-raw)
            else:
                logvar = torch.sigmoid(self.logvar_head(raw)).clamp_min(1e-7).log()
            sigma = (0.5 * logvar).exp()
            z = mu + sigma * torch.randn_like(mu)
            x_hat = self.decoder((1 - sigma) * z if c["kind"] == "vaease" else z)
            sse = (x - x_hat).square().sum(1).mean()
            kl = (logvar.exp() + mu.square() - logvar).sum(1).mean() - k
            return sse * (-self.log_gamma).exp() + kl + d * self.log_gamma + d * math.log(2 * math.pi)
        pre = self.encoder(x)
        z = F.relu(pre)
        if c["kind"] == "sae-topk":
            values, indices = z.topk(c["top_k"], dim=1)
            z = torch.zeros_like(z).scatter(1, indices, values)
        if c["kind"] == "sae-batchtopk":
            z = z * (z >= z.flatten().topk(c["top_k"] * z.shape[0], sorted=False).values.min())
        if c["kind"] == "sae-jumprelu":
            # JumpReLU with the straight-through pseudo-derivatives in the threshold, as SaeJumpRelu.cs.
            theta, eps = self.log_threshold.exp(), c["jump_bandwidth"]
            distance = pre.detach() - theta.detach()
            is_open, window, gap = (distance > 0).to(pre.dtype), (distance.abs() < eps / 2).to(pre.dtype), theta.detach() - theta
            z = pre * is_open + window * gap * (theta.detach() / eps)
            l0 = (is_open + window * gap / eps).sum(1)
            return (x - self.decoder(z)).square().sum(1).mean() + c["l0"] * l0.mean()
        sse = (x - self.decoder(z)).square().sum(1).mean()
        if c["kind"] in ("sae-topk", "sae-batchtopk"):
            return sse
        penalty = z.abs().sum(1) if c["kind"] == "sae-l1" else (z.abs() + c["log_eps"]).log().sum(1)
        weights = sum(p.square().sum() for p in self.decoder.parameters())
        return sse + c["l1"] * penalty.mean() + c["l2"] * weights


def read_idx_images(path, rows):
    """The first `rows` images of an IDX file (plain or gzipped) as floats in [0, 1], [rows, height * width]."""
    with (gzip.open if path.endswith(".gz") else open)(path, "rb") as f:
        magic, count = np.frombuffer(f.read(8), ">i4")
        if magic != 0x803:
            raise SystemExit(f"reference.py: {path} is not an IDX image file")
        height, width = np.frombuffer(f.read(8), ">i4")
        rows = min(rows, int(count))
        pixels = np.frombuffer(f.read(rows * height * width), np.uint8).reshape(rows, height * width)
    return torch.from_numpy(pixels.astype(np.float32) / 255)


def step_flops(model, x):
    """FLOPs of one training step counted from the layers a forward pass runs, as vaease's StepCost counts
    them: 2 x multiply-adds forward, as much for the weight gradient, and as much again for the input
    gradient unless the layer's input needs none (the data)."""
    flops, hooks = [0.0], []

    def count(module, inputs, output):
        if isinstance(module, nn.Linear):
            macs = module.in_features * module.out_features * output.shape[0]
        elif isinstance(module, nn.ConvTranspose2d):
            macs = inputs[0].numel() * module.out_channels * module.kernel_size[0] * module.kernel_size[1]
        else:
            macs = output.numel() * module.in_channels // module.groups * module.kernel_size[0] * module.kernel_size[1]
        flops[0] += 2.0 * macs * (3 if inputs[0].requires_grad else 2)

    for m in model.modules():
        if isinstance(m, (nn.Linear, nn.Conv2d, nn.ConvTranspose2d)):
            hooks.append(m.register_forward_hook(count))
    model.loss(x)
    for h in hooks:
        h.remove()
    return flops[0]


class Steps:
    def __init__(self, c):
        torch.manual_seed(0)
        self.model = Model(c)
        self.optimizer = torch.optim.Adam(self.model.parameters(), lr=c["learning_rate"])
        self.batch, self.batches = c["batch_size"], 8
        rows = self.batch * self.batches
        if c.get("data_file"):
            self.data = read_idx_images(c["data_file"], rows)
        elif c.get("data") == "uniform":
            self.data = torch.rand(rows, c["input_dim"])
        else:
            self.data = torch.randn(rows, c["input_dim"])
        self.order = torch.arange(self.data.shape[0])
        self.step = 0
        self.bf16 = bool(c.get("bf16"))  # mixed precision, as vaease's --precision bf16

    def batch_at(self, b):
        return self.data.index_select(0, self.order[b * self.batch:(b + 1) * self.batch])

    def run(self, n):
        start = time.perf_counter()
        for _ in range(n):
            x = self.batch_at(self.step % self.batches)
            with torch.autocast("cpu", dtype=torch.bfloat16, enabled=self.bf16):
                loss = self.model.loss(x)
            self.optimizer.zero_grad()
            loss.backward()
            self.optimizer.step()
            loss.item()
            self.step += 1
        return time.perf_counter() - start


def describe(model, x):
    """Parameter count and step FLOPs of a model on a batch x."""
    return sum(p.numel() for p in model.parameters()), step_flops(model, x)


def exit_with_parent():
    """Ends this process with the bench's (Linux prctl PR_SET_PDEATHSIG): a conv model holds gigabytes that
    must not outlive a bench that was killed."""
    try:
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)
    except (OSError, AttributeError):
        pass


def main():
    exit_with_parent()
    if sys.argv[1] == "--describe":
        for c in json.loads(sys.argv[2]):
            print(*describe(Model(c), torch.rand(c["batch_size"], c["input_dim"])), flush=True)
        return
    c = json.loads(sys.argv[1])
    if c.get("mkldnn") is not None:
        torch.backends.mkldnn.enabled = c["mkldnn"]
    steps = Steps(c)
    timings = {}
    if c.get("probe_threads", True):
        for threads in sorted({1, c["threads"]}):
            torch.set_num_threads(threads)
            steps.run(3)
            probe = max(1, int(0.3 / max(steps.run(3) / 3, 1e-6)))
            timings[threads] = steps.run(probe) / probe
    else:
        timings[c["threads"]] = 0
    best = min(timings, key=timings.get)
    torch.set_num_threads(best)
    steps.run(c.get("warmup", 0))
    print("ready", best, *describe(steps.model, steps.batch_at(0)), flush=True)
    for line in sys.stdin:
        print(steps.run(int(line)), flush=True)


if __name__ == "__main__":
    main()
